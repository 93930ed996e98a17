// Sections: each names the variables one part of the suite reads (see section.ts, docs/configuration.md).
export * from './section';
export * from './load-config';
export * from './config.module';
export * from './runtime.config';
export * from './http.config';
export * from './database.config';
export * from './kafka.config';
export * from './consumer.config';
export * from './tenancy.config';
export * from './intake.config';
export * from './stall.config';
export * from './fallback.config';
export * from './alerts.config';
export * from './inbound.config';
export * from './egress.config';
export * from './all-sections';
export * from './database-roles';
export { DEVELOPMENT_SECRET_VALUES } from './development-secrets';
