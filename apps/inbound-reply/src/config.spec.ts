import { ConfigError, loadConfig, requiredOf, secretsOf } from '@wahooks/config';
import { consumerServiceSections } from '@wahooks/service-kit';
import { configEnv, othersMalformed } from '@wahooks/testing';

import { inboundReplyConfig } from './config';

/** What inbound-reply loads: every consumer service's sections, then its own. */
const sections = consumerServiceSections(inboundReplyConfig);

/** The message of the ConfigError `load` throws. */
const errorOf = (load: () => unknown): string => {
  try {
    load();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).message;
  }
  throw new Error('loaded');
};

describe('inbound-reply configuration', () => {
  it('requires these variables and no others', () => {
    expect(requiredOf(sections)).toEqual(['DATABASE_URL', 'INTAKE_RECORD_KEYS', 'KAFKA_BROKERS']);
  });

  it('holds these secrets and no others', () => {
    expect(secretsOf(sections)).toEqual(['DATABASE_URL', 'INBOUND_GRAPH_CONFIG', 'INTAKE_RECORD_KEYS', 'KAFKA_SASL_PASSWORD', 'MEDIA_S3_SECRET_ACCESS_KEY']);
  });

  it('starts with what it requires alone: no admin token, encryption key or platform secret, and no Graph token (media are recorded as failed)', () => {
    const config = loadConfig(sections, configEnv(requiredOf(sections)));
    expect(Object.keys(config).sort()).toEqual(['consumer', 'database', 'egress', 'http', 'inbound', 'kafka', 'recordProof', 'runtime', 'shutdown']);
  });

  it("starts whatever other services' variables hold: malformed, or local-development values in production", () => {
    const env = { ...othersMalformed(secretsOf(sections)), ALERT_DISPATCH_BATCH: '0', ...configEnv(requiredOf(sections)) };
    expect(['ADMIN_API_TOKEN', 'SECRETS_ENCRYPTION_KEY', 'PLATFORM_APP_SECRETS', 'PLATFORM_VERIFY_TOKEN'].every((name) => name in env)).toBe(true);
    expect(() => loadConfig(sections, env)).not.toThrow();
  });

  it('names every required variable it lacks, and no other', () => {
    const message = errorOf(() => loadConfig(sections, { NODE_ENV: 'production' }));
    for (const name of requiredOf(sections)) expect(message).toContain(`${name}:`);
    expect(message.split('\n').slice(1)).toHaveLength(requiredOf(sections).length);
  });

  it('names each of its own secrets that is malformed or a local-development value in production, never the value', () => {
    const env = { ...configEnv(requiredOf(sections)), INTAKE_RECORD_KEYS: 'local-dev-only-intake-record-key-change-me' };
    const message = errorOf(() => loadConfig(sections, env));
    expect(message).toContain('INTAKE_RECORD_KEYS: holds a local-development value');
    expect(message).not.toContain('local-dev-only-intake-record-key-change-me');
    expect(errorOf(() => loadConfig(sections, { ...env, INTAKE_RECORD_KEYS: 'short' }))).toContain('INTAKE_RECORD_KEYS: at least one key, each of 32 characters or more');
  });
});
