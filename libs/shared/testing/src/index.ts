export * from './fixtures';
export * from './raw-http';
export * from './raw-topic-reader';
export * from './test-env';
export * from './config-env';
export * from './spawn-app';
export * from './tenant-setup';
export * from './content-label-check';
