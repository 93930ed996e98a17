import { randomBytes } from 'node:crypto';

import { AppConfig, loadConfig } from '@wahooks/config';

/**
 * Configuration for tests that boot real apps: the environment that
 * scripts/test.sh prepared (real Kafka, real Postgres), plus overrides.
 */
export function testConfig(overrides: Record<string, string> = {}): AppConfig {
  return loadConfig({ ...process.env, LOG_LEVEL: process.env['LOG_LEVEL'] ?? 'warn', HTTP_PORT: '0', ...overrides });
}

/** A tenant id no other test run uses. */
export function uniqueId(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}

/** A numeric Meta-style id (WABA, phone number) unlikely to collide across runs. */
export function uniqueMetaId(): string {
  return `9${Date.now().toString().slice(-9)}${randomBytes(3).readUIntBE(0, 3).toString().padStart(8, '0')}`;
}
