export * from './alert-dispatcher.service';
export * from './monitor-events.mapper';
export * from './monitor-ingest.service';
export * from './monitor-rebuilder.service';
export * from './template-monitor.module';
