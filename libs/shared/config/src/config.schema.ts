import { z } from 'zod';

import { alertsEnv } from './alerts.config';
import { egressEnv } from './egress.config';
import { fallbackEnv } from './fallback.config';
import { inboundEnv } from './inbound.config';
import { kafkaEnv } from './kafka.config';

const csv = z
  .string()
  .optional()
  .transform((v) =>
    (v ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s.length > 0),
  );

const int = (def: number, min = 0) => z.coerce.number().int().min(min).default(def);

const base64Key = z
  .string()
  .refine((v) => Buffer.from(v, 'base64').length === 32, 'must be base64 of exactly 32 bytes');

const stallOverrides = z.record(
  z.string(),
  z.object({ acceptedToSentMs: z.number().int().positive().optional(), sentToDeliveredMs: z.number().int().positive().optional() }),
);

/**
 * Every environment variable the suite reads, validated once at start-up.
 * `process.env` is read nowhere else (an ESLint rule holds that).
 */
export const configSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  /**
   * Lets the local-development secrets of scripts/lib/env.sh and docker-compose
   * run where they would otherwise be refused (a database or broker that is not
   * on this machine, NODE_ENV=production): docker-compose sets it, nothing else should.
   */
  ALLOW_DEVELOPMENT_SECRETS: z.enum(['true', 'false']).default('false'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  HTTP_PORT: int(3000),
  HTTP_HOST: z.string().default('0.0.0.0'),
  /**
   * The intake's private listener: admin API, /metrics and health with details,
   * never the port Meta reaches (0: any free port). 9464 is the usual port of a
   * Prometheus endpoint next to an app's own.
   */
  ADMIN_HTTP_PORT: z.coerce.number().int().min(0).max(65535).default(9464),
  /** Defaults to HTTP_HOST; 127.0.0.1 keeps the private surfaces on this machine. */
  ADMIN_HTTP_HOST: z.string().min(1).optional(),
  DATABASE_URL: z.string().url(),
  DATABASE_POOL_SIZE: int(10, 1),
  /** Every call that can hang gets a bound: connecting, each statement (and lock wait), an idle open transaction. */
  DATABASE_CONNECT_TIMEOUT_MS: int(5000, 100),
  DATABASE_STATEMENT_TIMEOUT_MS: int(30_000, 100),
  DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS: int(60_000, 1000),
  // --- Kafka: every client's connection, see kafka.config.ts ---
  ...kafkaEnv,
  SECRETS_ENCRYPTION_KEY: base64Key,
  ADMIN_API_TOKEN: z.string().min(16, 'must be at least 16 characters'),
  PLATFORM_APP_SECRETS: csv,
  /**
   * Keys of the intake's proof on raw records (RecordProof): the first signs,
   * every one verifies (rotation). Held by the intake and the consumers only.
   */
  INTAKE_RECORD_KEYS: csv.refine((v) => v.length > 0 && v.every((k) => k.length >= 32), 'at least one key, each of 32 characters or more'),
  PLATFORM_VERIFY_TOKEN: z.string().optional(),
  INTAKE_BODY_LIMIT_BYTES: int(3 * 1024 * 1024, 1024),
  /** Request-body bytes being received or awaiting the broker, across all connections; 503 beyond (at least INTAKE_BODY_LIMIT_BYTES). */
  INTAKE_MAX_INFLIGHT_BYTES: int(64 * 1024 * 1024, 1024),
  INTAKE_PUBLISH_TIMEOUT_MS: int(2000, 50),
  INTAKE_LINGER_MS: int(1, 0),
  INTAKE_MAX_BATCH: int(500, 1),
  INTAKE_PRODUCER_LANES: int(2, 1),
  TENANT_CACHE_TTL_MS: int(5000, 0),
  SHUTDOWN_GRACE_MS: int(10000, 0),
  CONSUMER_GROUP_ID: z.string().optional(),
  /** Where a NEW consumer group starts reading; an existing group always resumes from its offsets. */
  CONSUMER_START_FROM: z.enum(['earliest', 'latest']).default('earliest'),
  /** How long the group waits for a silent (killed) member before its partitions move: what a crash costs in lag. */
  CONSUMER_SESSION_TIMEOUT_MS: int(6000, 1000),
  CONSUMER_HEARTBEAT_INTERVAL_MS: int(1000, 100),
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
  // --- fallback (apps/fallback-trigger): see fallback.config.ts ---
  ...fallbackEnv,
  // --- alerts (apps/template-monitor): see alerts.config.ts ---
  ...alertsEnv,
  // --- inbound (apps/inbound-reply): see inbound.config.ts ---
  ...inboundEnv,
  // --- outbound calls (libs/shared/egress): see egress.config.ts ---
  ...egressEnv,
});

export type RawConfig = z.output<typeof configSchema>;
