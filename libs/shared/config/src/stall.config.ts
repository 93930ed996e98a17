import { z } from 'zod';

import { defineSection, int } from './section';

const stallOverrides = z.record(
  z.string(),
  z.object({ acceptedToSentMs: z.number().int().positive().optional(), sentToDeliveredMs: z.number().int().positive().optional() }),
);

/** status-projector's stall detector (libs/status/feature): how long a message may sit in a status, and how often to look. */
export const stallSection = defineSection({
  name: 'stall',
  env: {
    STALL_ACCEPTED_TO_SENT_MS: int(5 * 60_000, 1000),
    STALL_SENT_TO_DELIVERED_MS: int(60 * 60_000, 1000),
    STALL_SCAN_INTERVAL_MS: int(30_000, 100),
    /** Per-tenant overrides: {"acme": {"acceptedToSentMs": 60000, "sentToDeliveredMs": 600000}} */
    STALL_LIMITS_BY_TENANT: z
      .string()
      .optional()
      .transform((v, ctx) => {
        if (!v) return {};
        try {
          return stallOverrides.parse(JSON.parse(v));
        } catch {
          ctx.addIssue({ code: 'custom', message: 'must be JSON: {"<tenant>": {"acceptedToSentMs"?: n, "sentToDeliveredMs"?: n}}' });
          return z.NEVER;
        }
      }),
  },
  read: (c): StallConfig => ({
    acceptedToSentMs: c.STALL_ACCEPTED_TO_SENT_MS,
    sentToDeliveredMs: c.STALL_SENT_TO_DELIVERED_MS,
    scanIntervalMs: c.STALL_SCAN_INTERVAL_MS,
    byTenant: c.STALL_LIMITS_BY_TENANT,
  }),
});

export interface StallConfig {
  acceptedToSentMs: number;
  sentToDeliveredMs: number;
  scanIntervalMs: number;
  byTenant: Record<string, { acceptedToSentMs?: number | undefined; sentToDeliveredMs?: number | undefined }>;
}
