export * from './consumed-record';
export * from './consumer-health';
export * from './dlq';
export * from './failure-policy';
export * from './kafka-batch.server';
export * from './rethrow-rpc.filter';
export * from './record-decoders';
