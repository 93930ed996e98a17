import { ConfigError, loadConfig, requiredOf, secretsOf } from '@wahooks/config';
import { configEnv, othersMalformed } from '@wahooks/testing';

import { intakeConfig as sections } from './config';

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

describe('intake configuration', () => {
  it('requires these variables and no others', () => {
    expect(requiredOf(sections)).toEqual(['ADMIN_API_TOKEN', 'DATABASE_URL', 'INTAKE_RECORD_KEYS', 'KAFKA_BROKERS', 'SECRETS_ENCRYPTION_KEY']);
  });

  it('holds these secrets and no others', () => {
    expect(secretsOf(sections)).toEqual(['ADMIN_API_TOKEN', 'DATABASE_URL', 'INTAKE_RECORD_KEYS', 'KAFKA_SASL_PASSWORD', 'PLATFORM_APP_SECRETS', 'PLATFORM_VERIFY_TOKEN', 'SECRETS_ENCRYPTION_KEY']);
  });

  it('starts with what it requires alone: no SMS provider, Graph token or consumer group, and no platform app (its URL answers 404)', () => {
    const config = loadConfig(sections, configEnv(requiredOf(sections)));
    expect(Object.keys(config).sort()).toEqual(['adminApi', 'adminHttp', 'database', 'encryption', 'http', 'intake', 'kafka', 'platform', 'recordProof', 'runtime', 'shutdown', 'tenantDirectory']);
  });

  it("starts whatever other services' variables hold: malformed, or local-development values in production", () => {
    const env = { ...othersMalformed(secretsOf(sections)), CONSUMER_START_FROM: 'beginning', ...configEnv(requiredOf(sections)) };
    expect(['FALLBACK_SMS_SECRET', 'FALLBACK_SMS_URL', 'INBOUND_GRAPH_CONFIG', 'CONSUMER_START_FROM'].every((name) => name in env)).toBe(true);
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
