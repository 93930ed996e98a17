import { AnySection, ConfigOf, consumerSection, databaseSection, httpSection, kafkaSection, recordProofSection, shutdownSection } from '@wahooks/config';

/**
 * What every consumer service reads (ConsumerServiceModule, createConsumerApp):
 * its listener and shutdown budget, its database role, Kafka, its consumer
 * group, and the keys that verify the intake's proof on raw records. A spec's
 * `config` adds its feature's sections. Framework-free: the manifest tests read it.
 */
export const consumerServiceConfig = [httpSection, shutdownSection, databaseSection, kafkaSection, consumerSection, recordProofSection] as const;

export type ConsumerServiceConfig = ConfigOf<typeof consumerServiceConfig>;

/** Every section a consumer service composes: the common ones, then its own. */
export function consumerServiceSections(own: readonly AnySection[]): readonly [...typeof consumerServiceConfig, ...AnySection[]] {
  return [...consumerServiceConfig, ...own];
}
