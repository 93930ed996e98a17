import { z } from 'zod';

import { csv, defineSection, int } from './section';

/**
 * The platform key that seals secrets at rest (SecretBox, libs/shared/tenancy):
 * the tenants' Meta app secrets (the intake opens them to verify signatures;
 * the admin API and the tenant CLI seal them) and the tenants' alert signing
 * secrets (template-monitor).
 */
export const encryptionSection = defineSection({
  name: 'encryption',
  env: {
    SECRETS_ENCRYPTION_KEY: z.string().refine((v) => Buffer.from(v, 'base64').length === 32, 'must be base64 of exactly 32 bytes'),
  },
  secrets: ['SECRETS_ENCRYPTION_KEY'],
  read: (c): EncryptionConfig => ({ key: Buffer.from(c.SECRETS_ENCRYPTION_KEY, 'base64') }),
});

export interface EncryptionConfig {
  /** 32 bytes. */
  key: Buffer;
}

/** The bearer token of the admin calls (AdminTokenGuard): the intake's admin API, template-monitor's alert endpoint. */
export const adminApiSection = defineSection({
  name: 'adminApi',
  env: {
    ADMIN_API_TOKEN: z.string().min(16, 'must be at least 16 characters'),
  },
  secrets: ['ADMIN_API_TOKEN'],
  read: (c): AdminApiConfig => ({ token: c.ADMIN_API_TOKEN }),
});

export interface AdminApiConfig {
  token: string;
}

/** The intake's tenant directory (TenantDirectory): how often it reloads every tenant. */
export const tenantDirectorySection = defineSection({
  name: 'tenantDirectory',
  env: { TENANT_CACHE_TTL_MS: int(5000, 0) },
  read: (c): TenantDirectoryConfig => ({ cacheTtlMs: c.TENANT_CACHE_TTL_MS }),
});

export interface TenantDirectoryConfig {
  /** 0: never reloaded on a timer (admin writes still invalidate it). */
  cacheTtlMs: number;
}

/** The shared platform Meta app (the intake's platform URL): without app secrets that URL answers 404. */
export const platformSection = defineSection({
  name: 'platform',
  env: {
    PLATFORM_APP_SECRETS: csv,
    PLATFORM_VERIFY_TOKEN: z.string().optional(),
  },
  secrets: ['PLATFORM_APP_SECRETS', 'PLATFORM_VERIFY_TOKEN'],
  read: (c): PlatformConfig => ({ appSecrets: c.PLATFORM_APP_SECRETS, verifyToken: c.PLATFORM_VERIFY_TOKEN }),
});

export interface PlatformConfig {
  appSecrets: string[];
  verifyToken: string | undefined;
}
