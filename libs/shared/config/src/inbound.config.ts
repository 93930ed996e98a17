import { z } from 'zod';

import { defineSection, int } from './section';

/** The inbound-reply service's Graph API access and media downloads and storage (libs/inbound/feature). */

const graphTenant = z.object({
  accessToken: z.string().min(1),
  baseUrl: z.string().url().optional(),
  version: z.string().regex(/^v\d+\.\d+$/).optional(),
});

const inboundEnv = {
  /** Graph API host; per-tenant `baseUrl` in INBOUND_GRAPH_CONFIG wins. */
  GRAPH_BASE_URL: z.string().url().default('https://graph.facebook.com'),
  GRAPH_API_VERSION: z.string().regex(/^v\d+\.\d+$/).default('v23.0'),
  /** {"<tenant>": {"accessToken": "...", "baseUrl"?: "...", "version"?: "v23.0"}}; tokens are never logged. */
  INBOUND_GRAPH_CONFIG: z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (!v) return {};
      try {
        return z.record(z.string(), graphTenant).parse(JSON.parse(v));
      } catch {
        // Never echo the value: it holds access tokens.
        ctx.addIssue({ code: 'custom', message: 'must be JSON: {"<tenant>": {"accessToken": "...", "baseUrl"?: "https://...", "version"?: "v23.0"}}' });
        return z.NEVER;
      }
    }),
  /** Where media bytes go: the local filesystem (default) or an S3-compatible bucket. */
  MEDIA_STORAGE: z.enum(['fs', 's3']).default('fs'),
  /** Root of the filesystem media storage. */
  MEDIA_STORAGE_DIR: z.string().min(1).default('.data/media'),
  /** S3-compatible storage (AWS, MinIO, R2, …); credentials from the Secret. */
  MEDIA_S3_BUCKET: z.string().min(1).optional(),
  MEDIA_S3_REGION: z.string().min(1).default('us-east-1'),
  /** Endpoint of a non-AWS S3 implementation, e.g. http://minio:9000; unset for AWS. */
  MEDIA_S3_ENDPOINT: z.string().url().optional(),
  MEDIA_S3_FORCE_PATH_STYLE: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
  MEDIA_S3_ACCESS_KEY_ID: z.string().min(1).optional(),
  MEDIA_S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  /** Prefix of every object key, e.g. "wahooks/media/". */
  MEDIA_S3_PREFIX: z.string().default(''),
  INBOUND_MEDIA_POLL_MS: int(1000, 10),
  /** Per HTTP request to the Graph API or the media URL: connect and response headers (the whole metadata JSON). */
  INBOUND_MEDIA_TIMEOUT_MS: int(15_000, 50),
  /** A media body (or its storage) that makes no progress for this long is abandoned and retried. */
  INBOUND_MEDIA_IDLE_TIMEOUT_MS: int(30_000, 50),
  /** Whole download of one medium, metadata to stored object; also bounds the claim's lease. */
  INBOUND_MEDIA_DOWNLOAD_TIMEOUT_MS: int(5 * 60_000, 100),
  /** Attempts before a media download is recorded as failed. */
  INBOUND_MEDIA_MAX_ATTEMPTS: int(6, 1),
  INBOUND_MEDIA_BACKOFF_BASE_MS: int(2000, 1),
  INBOUND_MEDIA_BACKOFF_CAP_MS: int(10 * 60_000, 1),
  /**
   * Larger media are refused, from the declared size before downloading or
   * while streaming, and recorded as failed for good (WhatsApp's largest
   * media, documents, are 100 MB). Also caps what the read API serves.
   */
  INBOUND_MEDIA_MAX_BYTES: int(100 * 1024 * 1024, 1),
};

export interface GraphTenantConfig {
  accessToken: string;
  baseUrl: string;
  version: string;
}

export interface InboundConfig {
  graph: { baseUrl: string; version: string; byTenant: Record<string, { accessToken: string; baseUrl?: string | undefined; version?: string | undefined }> };
  media: {
    storageDir: string;
    pollMs: number;
    /** Connect and response headers of each request. */
    timeoutMs: number;
    /** No body bytes for this long. */
    idleTimeoutMs: number;
    /** One whole download, metadata to stored object. */
    downloadTimeoutMs: number;
    maxAttempts: number;
    backoffBaseMs: number;
    backoffCapMs: number;
    maxBytes: number;
  };
  storage: { kind: 'fs' } | { kind: 's3'; s3: S3StorageConfig };
}

export interface S3StorageConfig {
  bucket: string;
  region: string;
  endpoint: string | undefined;
  forcePathStyle: boolean;
  /** Both or neither; without them the AWS default credential chain applies (IRSA, instance role…). */
  credentials: { accessKeyId: string; secretAccessKey: string } | undefined;
  prefix: string;
}

export const inboundSection = defineSection({
  name: 'inbound',
  env: inboundEnv,
  secrets: ['INBOUND_GRAPH_CONFIG', 'MEDIA_S3_SECRET_ACCESS_KEY'],
  read: (c, fail): InboundConfig => {
    if (c.MEDIA_STORAGE === 's3' && !c.MEDIA_S3_BUCKET) fail('MEDIA_S3_BUCKET: required when MEDIA_STORAGE=s3');
    if (Boolean(c.MEDIA_S3_ACCESS_KEY_ID) !== Boolean(c.MEDIA_S3_SECRET_ACCESS_KEY)) fail('MEDIA_S3_ACCESS_KEY_ID / MEDIA_S3_SECRET_ACCESS_KEY: set both or neither');
    return {
      graph: { baseUrl: c.GRAPH_BASE_URL, version: c.GRAPH_API_VERSION, byTenant: c.INBOUND_GRAPH_CONFIG },
      media: {
        storageDir: c.MEDIA_STORAGE_DIR,
        pollMs: c.INBOUND_MEDIA_POLL_MS,
        timeoutMs: c.INBOUND_MEDIA_TIMEOUT_MS,
        idleTimeoutMs: c.INBOUND_MEDIA_IDLE_TIMEOUT_MS,
        downloadTimeoutMs: c.INBOUND_MEDIA_DOWNLOAD_TIMEOUT_MS,
        maxAttempts: c.INBOUND_MEDIA_MAX_ATTEMPTS,
        backoffBaseMs: c.INBOUND_MEDIA_BACKOFF_BASE_MS,
        backoffCapMs: c.INBOUND_MEDIA_BACKOFF_CAP_MS,
        maxBytes: c.INBOUND_MEDIA_MAX_BYTES,
      },
      storage:
        c.MEDIA_STORAGE === 's3'
          ? {
              kind: 's3',
              s3: {
                // Presence is checked above.
                bucket: c.MEDIA_S3_BUCKET ?? '',
                region: c.MEDIA_S3_REGION,
                endpoint: c.MEDIA_S3_ENDPOINT,
                forcePathStyle: c.MEDIA_S3_FORCE_PATH_STYLE,
                credentials:
                  c.MEDIA_S3_ACCESS_KEY_ID && c.MEDIA_S3_SECRET_ACCESS_KEY
                    ? { accessKeyId: c.MEDIA_S3_ACCESS_KEY_ID, secretAccessKey: c.MEDIA_S3_SECRET_ACCESS_KEY }
                    : undefined,
                prefix: c.MEDIA_S3_PREFIX,
              },
            }
          : { kind: 'fs' },
    };
  },
});

/** The Graph settings for a tenant, defaults filled in; undefined when it has no token. */
export function graphConfigFor(config: InboundConfig, tenantId: string): GraphTenantConfig | undefined {
  const t = config.graph.byTenant[tenantId];
  if (!t) return undefined;
  return { accessToken: t.accessToken, baseUrl: (t.baseUrl ?? config.graph.baseUrl).replace(/\/+$/, ''), version: t.version ?? config.graph.version };
}
