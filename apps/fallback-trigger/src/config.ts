import { egressSection, fallbackSection } from '@wahooks/config';

/**
 * What fallback-trigger reads beyond every consumer service's sections
 * (consumerServiceConfig): its SMS provider, policies and overrides, and what
 * its outbound calls may reach. Framework-free, so the manifest tests hold its
 * Deployment and Compose service to it (docs/configuration.md).
 */
export const fallbackTriggerConfig = [fallbackSection, egressSection] as const;
