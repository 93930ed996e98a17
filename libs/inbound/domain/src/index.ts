export * from './contact';
export * from './conversation';
export * from './message-rules';
export * from './window';
