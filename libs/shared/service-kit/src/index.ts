export * from './background-work';
export * from './consumer-config';
export * from './consumer-health.controller';
export * from './consumer-service';
export * from './consumer-service.module';
export * from './service-spec';
export * from './tokens';
export * from './projection-ingest';
