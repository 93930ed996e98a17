export * from './app-config';
export * from './config.module';
export type { FallbackConfig } from './fallback.config';
export type { AlertsConfig } from './alerts.config';
