import { z } from 'zod';

import { defineSection, int } from './section';

/** The fallback trigger's SMS provider, time-based fallback and per-tenant overrides (libs/fallback/feature). */

/**
 * Per-tenant overrides. Action names are validated against the policy table
 * when the fallback app starts (this lib cannot import the domain lib).
 */
const tenantOverrides = z.record(
  z.string(),
  z.object({
    /** `{"131026": "none", "130497": "sms-fallback"}`; the key `unknown` overrides unknown codes. */
    actions: z.record(z.string().regex(/^(\d+|unknown)$/), z.string()).optional(),
    /** 0 disables the time-based fallback for this tenant. */
    undeliveredAfterMs: z.number().int().min(0).optional(),
    maxRetries: z.number().int().min(0).optional(),
  }),
);

const fallbackEnv = {
  /** Generic HTTP SMS provider; unset: SMS requests are recorded and wait for it. */
  FALLBACK_SMS_URL: z.string().url().optional(),
  /** HMAC-SHA256 key for the `X-Wahooks-Signature` header of SMS requests. */
  FALLBACK_SMS_SECRET: z.string().min(16).optional(),
  FALLBACK_SMS_TIMEOUT_MS: int(5000, 50),
  /** Attempts per SMS before it is recorded as failed and alerted. */
  FALLBACK_SMS_MAX_ATTEMPTS: int(8, 1),
  FALLBACK_SMS_BACKOFF_BASE_MS: int(1000, 1),
  FALLBACK_SMS_BACKOFF_CAP_MS: int(5 * 60_000, 1),
  FALLBACK_SMS_POLL_MS: int(500, 10),
  /** Time-based fallback: SMS when not delivered within this time after "accepted"; 0 = off. */
  FALLBACK_UNDELIVERED_AFTER_MS: int(0, 0),
  FALLBACK_SCAN_INTERVAL_MS: int(30_000, 100),
  /** Retry requests per message (internalMessageId), unless the policy row says fewer. */
  FALLBACK_MAX_RETRIES: int(3, 0),
  /** {"acme": {"actions": {"131026": "none"}, "undeliveredAfterMs": 600000, "maxRetries": 2}} */
  FALLBACK_TENANT_OVERRIDES: z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (!v) return {};
      try {
        return tenantOverrides.parse(JSON.parse(v));
      } catch {
        ctx.addIssue({ code: 'custom', message: 'must be JSON: {"<tenant>": {"actions"?: {"<code>": "<action>"}, "undeliveredAfterMs"?: n, "maxRetries"?: n}}' });
        return z.NEVER;
      }
    }),
};

export interface FallbackConfig {
  sms: {
    url: string | undefined;
    secret: string | undefined;
    timeoutMs: number;
    maxAttempts: number;
    backoffBaseMs: number;
    backoffCapMs: number;
    pollMs: number;
  };
  undeliveredAfterMs: number;
  scanIntervalMs: number;
  maxRetries: number;
  byTenant: Record<string, { actions?: Record<string, string> | undefined; undeliveredAfterMs?: number | undefined; maxRetries?: number | undefined }>;
}

export const fallbackSection = defineSection({
  name: 'fallback',
  env: fallbackEnv,
  // The URL may carry the provider's credentials; the HMAC key is one.
  secrets: ['FALLBACK_SMS_URL', 'FALLBACK_SMS_SECRET'],
  read: (c): FallbackConfig => ({
    sms: {
      url: c.FALLBACK_SMS_URL,
      secret: c.FALLBACK_SMS_SECRET,
      timeoutMs: c.FALLBACK_SMS_TIMEOUT_MS,
      maxAttempts: c.FALLBACK_SMS_MAX_ATTEMPTS,
      backoffBaseMs: c.FALLBACK_SMS_BACKOFF_BASE_MS,
      backoffCapMs: c.FALLBACK_SMS_BACKOFF_CAP_MS,
      pollMs: c.FALLBACK_SMS_POLL_MS,
    },
    undeliveredAfterMs: c.FALLBACK_UNDELIVERED_AFTER_MS,
    scanIntervalMs: c.FALLBACK_SCAN_INTERVAL_MS,
    maxRetries: c.FALLBACK_MAX_RETRIES,
    byTenant: c.FALLBACK_TENANT_OVERRIDES,
  }),
});
