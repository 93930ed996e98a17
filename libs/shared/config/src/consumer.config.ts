import { z } from 'zod';

import { csv, defineSection, int } from './section';

/** Every consumer service's Kafka consumer group (libs/shared/service-kit, libs/shared/consumer-runtime). */
export const consumerSection = defineSection({
  name: 'consumer',
  env: {
    /** Unset: the service's own default group (`wahooks-<service>`). */
    CONSUMER_GROUP_ID: z.string().optional(),
    /** Where a NEW consumer group starts reading; an existing group always resumes from its offsets. */
    CONSUMER_START_FROM: z.enum(['earliest', 'latest']).default('earliest'),
    /** How long the group waits for a silent (killed) member before its partitions move: what a crash costs in lag. */
    CONSUMER_SESSION_TIMEOUT_MS: int(6000, 1000),
    CONSUMER_HEARTBEAT_INTERVAL_MS: int(1000, 100),
  },
  read: (c): ConsumerConfig => ({
    groupId: c.CONSUMER_GROUP_ID,
    fromBeginning: c.CONSUMER_START_FROM === 'earliest',
    sessionTimeoutMs: c.CONSUMER_SESSION_TIMEOUT_MS,
    heartbeatIntervalMs: c.CONSUMER_HEARTBEAT_INTERVAL_MS,
  }),
});

export interface ConsumerConfig {
  groupId: string | undefined;
  fromBeginning: boolean;
  sessionTimeoutMs: number;
  heartbeatIntervalMs: number;
}

/**
 * Keys of the intake's proof on raw records (RecordProof, libs/shared/consumer-runtime):
 * the intake (and unrouted:replay) signs with the first, every consumer verifies
 * with each of them (rotation).
 */
export const recordProofSection = defineSection({
  name: 'recordProof',
  env: {
    INTAKE_RECORD_KEYS: csv.refine((v) => v.length > 0 && v.every((k) => k.length >= 32), 'at least one key, each of 32 characters or more'),
  },
  secrets: ['INTAKE_RECORD_KEYS'],
  read: (c): RecordProofConfig => ({ keys: c.INTAKE_RECORD_KEYS }),
});

export interface RecordProofConfig {
  keys: string[];
}
