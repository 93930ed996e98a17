import {
  adminApiSection,
  adminHttpSection,
  ConfigOf,
  databaseSection,
  encryptionSection,
  httpSection,
  intakeSection,
  kafkaSection,
  platformSection,
  recordProofSection,
  shutdownSection,
  tenantDirectorySection,
} from '@wahooks/config';

/**
 * Every section the intake reads: its two listeners and shutdown budget, its
 * database role, Kafka, the key that signs its proof on raw records, the
 * tenant directory and the platform key that opens the tenants' app secrets,
 * the admin API's token, the shared platform app, and the webhook path's
 * limits. Framework-free, so the manifest tests hold its Deployment and
 * Compose service to it (docs/configuration.md).
 */
export const intakeConfig = [
  httpSection,
  adminHttpSection,
  shutdownSection,
  databaseSection,
  kafkaSection,
  recordProofSection,
  encryptionSection,
  tenantDirectorySection,
  adminApiSection,
  platformSection,
  intakeSection,
] as const;

export type IntakeAppConfig = ConfigOf<typeof intakeConfig>;
