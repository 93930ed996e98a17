import { configSchema, RawConfig } from './config.schema';
import { AlertsConfig, toAlertsConfig } from './alerts.config';
import { EgressConfig, toEgressConfig } from './egress.config';
import { FallbackConfig, toFallbackConfig } from './fallback.config';
import { InboundConfig, toInboundConfig } from './inbound.config';
import { developmentSecretsIn, isLocalDevelopment } from './development-secrets';
import { KafkaConfig, toKafkaConfig } from './kafka.config';

/** The typed, validated configuration shared by every app. */
export interface AppConfig {
  env: RawConfig['NODE_ENV'];
  logLevel: RawConfig['LOG_LEVEL'];
  http: { port: number; host: string };
  /** The intake's private listener (admin API, /metrics, health details); the consumers serve everything on `http`. */
  adminHttp: { port: number; host: string };
  database: { url: string; poolSize: number; connectTimeoutMs: number; statementTimeoutMs: number; idleInTransactionTimeoutMs: number };
  kafka: KafkaConfig;
  secrets: { encryptionKey: Buffer; adminApiToken: string; recordProofKeys: string[] };
  platform: { appSecrets: string[]; verifyToken: string | undefined };
  intake: { bodyLimitBytes: number; maxInflightBytes: number; publishTimeoutMs: number; lingerMs: number; maxBatch: number; producerLanes: number };
  tenantCacheTtlMs: number;
  shutdownGraceMs: number;
  consumer: { groupId: string | undefined; fromBeginning: boolean; sessionTimeoutMs: number; heartbeatIntervalMs: number };
  stall: {
    acceptedToSentMs: number;
    sentToDeliveredMs: number;
    scanIntervalMs: number;
    byTenant: Record<string, { acceptedToSentMs?: number | undefined; sentToDeliveredMs?: number | undefined }>;
  };
  // --- fallback (apps/fallback-trigger) ---
  fallback: FallbackConfig;
  // --- alerts (apps/template-monitor) ---
  alerts: AlertsConfig;
  // --- inbound (apps/inbound-reply) ---
  inbound: InboundConfig;
  // --- outbound calls (libs/shared/egress) ---
  egress: EgressConfig;
}

export class ConfigError extends Error {
  constructor(readonly issues: string[]) {
    super(`Invalid configuration:\n  - ${issues.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Parses the environment once; throws a ConfigError naming every bad variable
 * (never its value: several are secrets).
 */
export function loadConfig(env: Record<string, string | undefined>): AppConfig {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  const c = parsed.data;
  const kafka = toKafkaConfig(c);
  const local = isLocalDevelopment({ nodeEnv: c.NODE_ENV, databaseUrl: c.DATABASE_URL, brokers: c.KAFKA_BROKERS });
  const crossField = [
    ...kafka.issues,
    // Outside local development a missing secret fails validation already; a development one must too.
    ...(local || c.ALLOW_DEVELOPMENT_SECRETS === 'true'
      ? []
      : developmentSecretsIn(env).map((name) => `${name}: holds a local-development value; set a real secret (NODE_ENV=${c.NODE_ENV}, database or broker not on this machine)`)),
    ...(c.MEDIA_STORAGE === 's3' && !c.MEDIA_S3_BUCKET ? ['MEDIA_S3_BUCKET: required when MEDIA_STORAGE=s3'] : []),
    ...(Boolean(c.MEDIA_S3_ACCESS_KEY_ID) !== Boolean(c.MEDIA_S3_SECRET_ACCESS_KEY)
      ? ['MEDIA_S3_ACCESS_KEY_ID / MEDIA_S3_SECRET_ACCESS_KEY: set both or neither']
      : []),
    // A budget below one body would refuse every large (but allowed) webhook with 503, forever: Meta would retry it for days.
    ...(c.INTAKE_MAX_INFLIGHT_BYTES < c.INTAKE_BODY_LIMIT_BYTES
      ? ['INTAKE_MAX_INFLIGHT_BYTES: must be at least INTAKE_BODY_LIMIT_BYTES']
      : []),
    // The admin API on the port Meta reaches is exactly what the second listener is for not to be.
    ...(c.ADMIN_HTTP_PORT !== 0 && c.ADMIN_HTTP_PORT === c.HTTP_PORT ? ['ADMIN_HTTP_PORT: must differ from HTTP_PORT'] : []),
  ];
  if (crossField.length > 0) throw new ConfigError(crossField);
  return {
    env: c.NODE_ENV,
    logLevel: c.LOG_LEVEL,
    http: { port: c.HTTP_PORT, host: c.HTTP_HOST },
    adminHttp: { port: c.ADMIN_HTTP_PORT, host: c.ADMIN_HTTP_HOST ?? c.HTTP_HOST },
    database: {
      url: c.DATABASE_URL,
      poolSize: c.DATABASE_POOL_SIZE,
      connectTimeoutMs: c.DATABASE_CONNECT_TIMEOUT_MS,
      statementTimeoutMs: c.DATABASE_STATEMENT_TIMEOUT_MS,
      idleInTransactionTimeoutMs: c.DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS,
    },
    kafka: kafka.config as KafkaConfig,
    secrets: {
      encryptionKey: Buffer.from(c.SECRETS_ENCRYPTION_KEY, 'base64'),
      adminApiToken: c.ADMIN_API_TOKEN,
      recordProofKeys: c.INTAKE_RECORD_KEYS,
    },
    platform: { appSecrets: c.PLATFORM_APP_SECRETS, verifyToken: c.PLATFORM_VERIFY_TOKEN },
    intake: {
      bodyLimitBytes: c.INTAKE_BODY_LIMIT_BYTES,
      maxInflightBytes: c.INTAKE_MAX_INFLIGHT_BYTES,
      publishTimeoutMs: c.INTAKE_PUBLISH_TIMEOUT_MS,
      lingerMs: c.INTAKE_LINGER_MS,
      maxBatch: c.INTAKE_MAX_BATCH,
      producerLanes: c.INTAKE_PRODUCER_LANES,
    },
    tenantCacheTtlMs: c.TENANT_CACHE_TTL_MS,
    shutdownGraceMs: c.SHUTDOWN_GRACE_MS,
    consumer: {
      groupId: c.CONSUMER_GROUP_ID,
      fromBeginning: c.CONSUMER_START_FROM === 'earliest',
      sessionTimeoutMs: c.CONSUMER_SESSION_TIMEOUT_MS,
      heartbeatIntervalMs: c.CONSUMER_HEARTBEAT_INTERVAL_MS,
    },
    stall: {
      acceptedToSentMs: c.STALL_ACCEPTED_TO_SENT_MS,
      sentToDeliveredMs: c.STALL_SENT_TO_DELIVERED_MS,
      scanIntervalMs: c.STALL_SCAN_INTERVAL_MS,
      byTenant: c.STALL_LIMITS_BY_TENANT,
    },
    // --- fallback (apps/fallback-trigger) ---
    fallback: toFallbackConfig(c),
    // --- alerts (apps/template-monitor) ---
    alerts: toAlertsConfig(c),
    // --- inbound (apps/inbound-reply) ---
    inbound: toInboundConfig(c),
    // --- outbound calls (libs/shared/egress) ---
    egress: toEgressConfig(c),
  };
}

/** The one place that reads process.env. */
export function loadConfigFromEnv(): AppConfig {
  return loadConfig(process.env);
}
