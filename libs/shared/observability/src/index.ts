export * from './logging';
export * from './metrics.controller';
export * from './metrics.service';
export * from './observability.module';
export * from './readiness';
