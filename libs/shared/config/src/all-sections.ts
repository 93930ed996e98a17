import { alertsSection } from './alerts.config';
import { consumerSection, recordProofSection } from './consumer.config';
import { databaseSection } from './database.config';
import { egressSection } from './egress.config';
import { fallbackSection } from './fallback.config';
import { adminHttpSection, httpSection, shutdownSection } from './http.config';
import { inboundSection } from './inbound.config';
import { intakeSection } from './intake.config';
import { kafkaSection } from './kafka.config';
import { runtimeSection } from './runtime.config';
import { stallSection } from './stall.config';
import { adminApiSection, encryptionSection, platformSection, tenantDirectorySection } from './tenancy.config';

/**
 * Every section there is: what the test kit loads (testConfig), what the
 * manifest tests call a known variable, and the rows of docs/configuration.md.
 * A process composes its own (apps/<app>/src/config.ts), never this list.
 */
export const allSections = [
  runtimeSection,
  httpSection,
  adminHttpSection,
  shutdownSection,
  databaseSection,
  kafkaSection,
  consumerSection,
  recordProofSection,
  encryptionSection,
  adminApiSection,
  tenantDirectorySection,
  platformSection,
  intakeSection,
  stallSection,
  fallbackSection,
  alertsSection,
  inboundSection,
  egressSection,
] as const;
