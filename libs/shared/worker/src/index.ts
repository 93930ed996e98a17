export * from './polling-worker';
export * from './unrecorded-outcomes';
