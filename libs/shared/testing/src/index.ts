export * from './fixtures';
export * from './raw-topic-reader';
export * from './test-env';
