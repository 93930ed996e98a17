export * from './message-status.row';
export * from './status-events.mapper';
export * from './status-ingest.service';
export * from './status-rebuilder.service';
export * from './stall-detector.service';
export * from './status.module';
