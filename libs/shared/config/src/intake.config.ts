import { defineSection, int } from './section';

/** The intake's webhook path (libs/intake/feature): body limit, in-flight budget and the raw producer's batching. */
export const intakeSection = defineSection({
  name: 'intake',
  env: {
    INTAKE_BODY_LIMIT_BYTES: int(3 * 1024 * 1024, 1024),
    /** Request-body bytes being received or awaiting the broker, across all connections; 503 beyond (at least INTAKE_BODY_LIMIT_BYTES). */
    INTAKE_MAX_INFLIGHT_BYTES: int(64 * 1024 * 1024, 1024),
    INTAKE_PUBLISH_TIMEOUT_MS: int(2000, 50),
    INTAKE_LINGER_MS: int(1, 0),
    INTAKE_MAX_BATCH: int(500, 1),
    INTAKE_PRODUCER_LANES: int(2, 1),
  },
  read: (c, fail): IntakeConfig => {
    // A budget below one body would refuse every large (but allowed) webhook with 503, forever: Meta would retry it for days.
    if (c.INTAKE_MAX_INFLIGHT_BYTES < c.INTAKE_BODY_LIMIT_BYTES) fail('INTAKE_MAX_INFLIGHT_BYTES: must be at least INTAKE_BODY_LIMIT_BYTES');
    return {
      bodyLimitBytes: c.INTAKE_BODY_LIMIT_BYTES,
      maxInflightBytes: c.INTAKE_MAX_INFLIGHT_BYTES,
      publishTimeoutMs: c.INTAKE_PUBLISH_TIMEOUT_MS,
      lingerMs: c.INTAKE_LINGER_MS,
      maxBatch: c.INTAKE_MAX_BATCH,
      producerLanes: c.INTAKE_PRODUCER_LANES,
    };
  },
});

export interface IntakeConfig {
  bodyLimitBytes: number;
  maxInflightBytes: number;
  publishTimeoutMs: number;
  lingerMs: number;
  maxBatch: number;
  producerLanes: number;
}
