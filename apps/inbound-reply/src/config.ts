import { egressSection, inboundSection } from '@wahooks/config';

/**
 * What inbound-reply reads beyond every consumer service's sections
 * (consumerServiceConfig): Graph API access, media downloads and storage,
 * and what its outbound calls may reach. Framework-free, so the manifest
 * tests hold its Deployment and Compose service to it (docs/configuration.md).
 */
export const inboundReplyConfig = [inboundSection, egressSection] as const;
