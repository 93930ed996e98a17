import { z } from 'zod';

import { allSections } from './all-sections';
import { consumerSection, recordProofSection } from './consumer.config';
import { databaseSection } from './database.config';
import { egressSection } from './egress.config';
import { adminHttpSection, httpSection, shutdownSection } from './http.config';
import { inboundSection } from './inbound.config';
import { intakeSection } from './intake.config';
import { kafkaSection } from './kafka.config';
import { ConfigError, loadConfig, requiredOf, secretsOf, variablesOf } from './load-config';
import { defineSection } from './section';
import { stallSection } from './stall.config';
import { adminApiSection, encryptionSection, platformSection } from './tenancy.config';

const valid = {
  DATABASE_URL: 'postgresql://127.0.0.1:5432/wahooks',
  KAFKA_BROKERS: '127.0.0.1:9092, 127.0.0.1:9093',
  SECRETS_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
  ADMIN_API_TOKEN: 'a-long-enough-admin-token',
  INTAKE_RECORD_KEYS: 'a-record-proof-key-of-32-characters-or-more',
};

/** The message of what `load` throws. */
const errorOf = (load: () => unknown): string => {
  try {
    load();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).message;
  }
  throw new Error('loaded');
};

describe('loadConfig', () => {
  it('applies defaults and types every value of the sections it is given, runtime always among them', () => {
    const c = loadConfig([httpSection, kafkaSection, intakeSection, encryptionSection, platformSection], valid);
    expect(Object.keys(c).sort()).toEqual(['encryption', 'http', 'intake', 'kafka', 'platform', 'runtime']);
    expect(c.runtime).toEqual({ env: 'development', logLevel: 'info', allowDevelopmentSecrets: false });
    expect(c.http.port).toBe(3000);
    expect(c.kafka.brokers).toEqual(['127.0.0.1:9092', '127.0.0.1:9093']);
    expect(c.intake.bodyLimitBytes).toBe(3 * 1024 * 1024);
    expect(c.intake.maxInflightBytes).toBe(64 * 1024 * 1024);
    expect(c.encryption.key.length).toBe(32);
    expect(c.platform.appSecrets).toEqual([]);
  });

  it('reads only what its sections read: another section’s variable is neither required nor checked', () => {
    const c = loadConfig([databaseSection, kafkaSection, stallSection], {
      DATABASE_URL: valid.DATABASE_URL,
      KAFKA_BROKERS: valid.KAFKA_BROKERS,
      ADMIN_API_TOKEN: 'short',
      SECRETS_ENCRYPTION_KEY: 'not base64 of 32 bytes',
      INTAKE_BODY_LIMIT_BYTES: 'lots',
    });
    expect(Object.keys(c).sort()).toEqual(['database', 'kafka', 'runtime', 'stall']);
    expect(c).not.toHaveProperty('adminApi');
  });

  it('names every invalid variable of every section without echoing secret values', () => {
    const secret = 'c2hvcnQ=';
    const message = errorOf(() =>
      loadConfig([httpSection, kafkaSection, encryptionSection, adminApiSection], { ...valid, SECRETS_ENCRYPTION_KEY: secret, ADMIN_API_TOKEN: 'tiny', HTTP_PORT: 'abc', KAFKA_BROKERS: '' }),
    );
    expect(message).toContain('SECRETS_ENCRYPTION_KEY: must be base64 of exactly 32 bytes');
    expect(message).toContain('ADMIN_API_TOKEN: must be at least 16 characters');
    expect(message).toContain('HTTP_PORT');
    expect(message).toContain('KAFKA_BROKERS: at least one broker');
    expect(message).not.toContain(secret);
    expect(message).not.toContain('tiny');
  });

  it('fails fast naming every required variable that is missing, and only those of its sections', () => {
    const message = errorOf(() => loadConfig([databaseSection, kafkaSection, recordProofSection, consumerSection], {}));
    expect(message).toMatch(/DATABASE_URL/);
    expect(message).toMatch(/KAFKA_BROKERS/);
    expect(message).toMatch(/INTAKE_RECORD_KEYS/);
    expect(message).not.toMatch(/ADMIN_API_TOKEN|SECRETS_ENCRYPTION_KEY/);
  });

  it('requires the in-flight budget to hold at least one body of the largest allowed size', () => {
    const intake = (env: Record<string, string>) => loadConfig([intakeSection], env).intake;
    expect(() => intake({ INTAKE_BODY_LIMIT_BYTES: '2048', INTAKE_MAX_INFLIGHT_BYTES: '2047' })).toThrow(/INTAKE_MAX_INFLIGHT_BYTES: must be at least INTAKE_BODY_LIMIT_BYTES/);
    expect(intake({ INTAKE_BODY_LIMIT_BYTES: '2048', INTAKE_MAX_INFLIGHT_BYTES: '2048' }).maxInflightBytes).toBe(2048);
    expect(() => intake({ INTAKE_MAX_INFLIGHT_BYTES: 'lots' })).toThrow(/INTAKE_MAX_INFLIGHT_BYTES/);
  });

  it('puts the private listener on its own port, on HTTP_HOST unless told otherwise', () => {
    const listeners = (env: Record<string, string>) => loadConfig([httpSection, adminHttpSection], env);
    expect(listeners({}).adminHttp).toEqual({ port: 9464, host: '0.0.0.0' });
    expect(listeners({ HTTP_HOST: '10.0.0.5', ADMIN_HTTP_PORT: '0' }).adminHttp).toEqual({ port: 0, host: '10.0.0.5' });
    expect(listeners({ ADMIN_HTTP_HOST: '127.0.0.1' }).adminHttp.host).toBe('127.0.0.1');
    expect(() => listeners({ HTTP_PORT: '8080', ADMIN_HTTP_PORT: '8080' })).toThrow(/ADMIN_HTTP_PORT: must differ from HTTP_PORT/);
    expect(() => listeners({ ADMIN_HTTP_PORT: '70000' })).toThrow(/ADMIN_HTTP_PORT/);
    // Both 0: two different random ports (the tests' setting).
    expect(listeners({ HTTP_PORT: '0', ADMIN_HTTP_PORT: '0' }).adminHttp.port).toBe(0);
    // The check holds without the http section too: adminHttp reads HTTP_PORT itself.
    expect(() => loadConfig([adminHttpSection], { HTTP_PORT: '8080', ADMIN_HTTP_PORT: '8080' })).toThrow(/ADMIN_HTTP_PORT: must differ/);
  });

  it('requires a bucket for S3 media storage and both S3 keys or neither', () => {
    const inbound = (env: Record<string, string>) => loadConfig([inboundSection], env).inbound;
    expect(() => inbound({ MEDIA_STORAGE: 's3' })).toThrow(/MEDIA_S3_BUCKET: required when MEDIA_STORAGE=s3/);
    expect(() => inbound({ MEDIA_STORAGE: 's3', MEDIA_S3_BUCKET: 'b', MEDIA_S3_ACCESS_KEY_ID: 'k' })).toThrow(/set both or neither/);
    expect(inbound({ MEDIA_STORAGE: 's3', MEDIA_S3_BUCKET: 'b', MEDIA_S3_ENDPOINT: 'http://minio:9000', MEDIA_S3_FORCE_PATH_STYLE: 'true' }).storage).toEqual({
      kind: 's3',
      s3: { bucket: 'b', region: 'us-east-1', endpoint: 'http://minio:9000', forcePathStyle: true, credentials: undefined, prefix: '' },
    });
    expect(inbound({}).storage).toEqual({ kind: 'fs' });
  });

  it('names every cross-field problem of every section at once', () => {
    const message = errorOf(() =>
      loadConfig([httpSection, adminHttpSection, intakeSection, inboundSection], {
        HTTP_PORT: '8080',
        ADMIN_HTTP_PORT: '8080',
        INTAKE_BODY_LIMIT_BYTES: '4096',
        INTAKE_MAX_INFLIGHT_BYTES: '2048',
        MEDIA_STORAGE: 's3',
      }),
    );
    expect(message).toMatch(/ADMIN_HTTP_PORT[\s\S]*INTAKE_MAX_INFLIGHT_BYTES[\s\S]*MEDIA_S3_BUCKET/);
  });

  it('passes a verify-full URL with its CA file through untouched (node-postgres reads sslmode and sslrootcert from it)', () => {
    const url = 'postgresql://wahooks_intake:pw@db.example.internal:5432/wahooks?sslmode=verify-full&sslrootcert=/etc/wahooks/pg-ca.pem';
    expect(loadConfig([databaseSection], { DATABASE_URL: url, NODE_ENV: 'production' }).database.url).toBe(url);
  });

  it('refuses two sections that read one variable with different schemas, or share a name', () => {
    const a = defineSection({ name: 'a', env: { SHARED: z.string().default('x') }, read: (c) => c.SHARED });
    const b = defineSection({ name: 'b', env: { SHARED: z.string().default('y') }, read: (c) => c.SHARED });
    const a2 = defineSection({ name: 'a', env: {}, read: () => 1 });
    expect(() => loadConfig([a, b], {})).toThrow(/SHARED is read by two configuration sections with different schemas/);
    expect(() => loadConfig([a, a2], {})).toThrow(/two configuration sections are named a/);
    // The same section twice is one.
    expect(loadConfig([a, a], {}).a).toBe('x');
  });
});

describe('what sections read', () => {
  it('lists their variables, runtime’s included', () => {
    expect(variablesOf([stallSection])).toEqual([
      'ALLOW_DEVELOPMENT_SECRETS',
      'LOG_LEVEL',
      'NODE_ENV',
      'STALL_ACCEPTED_TO_SENT_MS',
      'STALL_LIMITS_BY_TENANT',
      'STALL_SCAN_INTERVAL_MS',
      'STALL_SENT_TO_DELIVERED_MS',
    ]);
  });

  it('tells the secrets and the required variables apart', () => {
    const sections = [databaseSection, kafkaSection, recordProofSection, encryptionSection, adminApiSection, platformSection, egressSection, shutdownSection];
    expect(secretsOf(sections)).toEqual(['ADMIN_API_TOKEN', 'DATABASE_URL', 'INTAKE_RECORD_KEYS', 'KAFKA_SASL_PASSWORD', 'PLATFORM_APP_SECRETS', 'PLATFORM_VERIFY_TOKEN', 'SECRETS_ENCRYPTION_KEY']);
    expect(requiredOf(sections)).toEqual(['ADMIN_API_TOKEN', 'DATABASE_URL', 'INTAKE_RECORD_KEYS', 'KAFKA_BROKERS', 'SECRETS_ENCRYPTION_KEY']);
  });

  it('every section has a name of its own and every secret is one of its variables', () => {
    expect(new Set(allSections.map((s) => s.name)).size).toBe(allSections.length);
    for (const s of allSections) for (const secret of s.secrets) expect([s.name, Object.keys(s.env)]).toEqual([s.name, expect.arrayContaining([secret])]);
  });
});
