import { randomBytes } from 'node:crypto';

import { allSections, ConfigOf, databaseUrlFor, DatabaseIdentity, isDatabaseApp, loadConfig } from '@wahooks/config';

/**
 * The URL a test connects with. The suite's DATABASE_URL is the
 * administrator's (the superuser on a developer's server, see scripts/test.sh);
 * `migrate_db` created the roles, so each role's URL is that one with the role
 * as user: an app's (what the app runs as, with exactly its grants), the
 * owner's (tests that need more: reading other services' tables, truncating,
 * the append-only trigger), or the administrator's itself.
 */
export function testDatabaseUrl(who: DatabaseIdentity): string {
  return databaseUrlFor(who, process.env);
}

/** Every section of the configuration: what testConfig returns. */
export type TestConfig = ConfigOf<typeof allSections>;

/**
 * Configuration for tests that boot real apps: the environment that
 * scripts/test.sh prepared (real Kafka, real Postgres), plus overrides, read
 * with every section, so one value serves any app and any test (an app
 * provides only its own sections of it: createIntakeApp, createConsumerApp).
 * The database URL is the role of `app` (the intake unless said otherwise),
 * as in production; a test that reads or writes beyond what that app may
 * uses `testDatabaseUrl('owner')` for its own connection.
 */
export function testConfig(overrides: Record<string, string> = {}, app: string = 'intake'): TestConfig {
  if (!isDatabaseApp(app)) throw new Error(`testConfig: ${app} is not an app with a database role`);
  return loadConfig(allSections, { ...process.env, LOG_LEVEL: process.env['LOG_LEVEL'] ?? 'warn', HTTP_PORT: '0', DATABASE_URL: testDatabaseUrl(app), ...overrides });
}

/** A tenant id no other test run uses. */
export function uniqueId(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}

/** A numeric Meta-style id (WABA, phone number) unlikely to collide across runs. */
export function uniqueMetaId(): string {
  return `9${Date.now().toString().slice(-9)}${randomBytes(3).readUIntBE(0, 3).toString().padStart(8, '0')}`;
}
