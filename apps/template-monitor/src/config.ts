import { adminApiSection, alertsSection, egressSection, encryptionSection } from '@wahooks/config';

/**
 * What template-monitor reads beyond every consumer service's sections
 * (consumerServiceConfig): alert delivery and what it may reach, the platform
 * key that seals the alert signing secrets, and the admin token of its
 * alert-endpoint route. Framework-free, so the manifest tests hold its
 * Deployment and Compose service to it (docs/configuration.md).
 */
export const templateMonitorConfig = [alertsSection, egressSection, encryptionSection, adminApiSection] as const;
