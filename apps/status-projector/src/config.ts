import { stallSection } from '@wahooks/config';

/**
 * What status-projector reads beyond every consumer service's sections
 * (consumerServiceConfig): the stall limits. Framework-free, so the manifest
 * tests hold its Deployment and Compose service to it (docs/configuration.md).
 */
export const statusProjectorConfig = [stallSection] as const;
