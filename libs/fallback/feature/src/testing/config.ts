import { AppConfig, loadConfig } from '@wahooks/config';

/** A valid configuration with fallback variables set, for unit tests (no environment read). */
export function testConfigFor(fallbackEnv: Record<string, string>): AppConfig {
  return loadConfig({
    DATABASE_URL: 'postgresql://127.0.0.1:5432/unused',
    KAFKA_BROKERS: '127.0.0.1:9092',
    SECRETS_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
    ADMIN_API_TOKEN: 'a-long-enough-admin-token',
    INTAKE_RECORD_KEYS: 'a-unit-test-intake-record-key-of-32-chars',
    ...fallbackEnv,
  });
}
