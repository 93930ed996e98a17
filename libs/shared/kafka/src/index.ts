export * from './batching-producer';
export * from './group-consumer';
export * from './kafka-client';
export * from './kafka-health';
export * from './records';
export * from './topic-admin';
export * from './topic-namespace';
export * from './bounded-read';
