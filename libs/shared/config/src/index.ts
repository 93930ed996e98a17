export * from './app-config';
export * from './config.module';
export type { FallbackConfig } from './fallback.config';
export type { AlertsConfig } from './alerts.config';
export { graphConfigFor } from './inbound.config';
export type { GraphTenantConfig, InboundConfig, S3StorageConfig } from './inbound.config';
export * from './database-roles';
