import { loadConfig } from './app-config';
import { developmentSecretsIn, isLocalDevelopment } from './development-secrets';

const local = {
  DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/wahooks',
  KAFKA_BROKERS: '127.0.0.1:9092',
  SECRETS_ENCRYPTION_KEY: 'bG9jYWwtZGV2LW9ubHktZW5jcnlwdGlvbi1rZXkhISE=',
  ADMIN_API_TOKEN: 'local-admin-token-change-me',
  INTAKE_RECORD_KEYS: 'local-dev-only-intake-record-key-change-me',
};

describe('development secrets', () => {
  it('are fine on a developer machine', () => {
    expect(() => loadConfig(local)).not.toThrow();
  });

  it('stop the process against a database or broker that is not on this machine, naming the variables only', () => {
    let message = '';
    try {
      loadConfig({ ...local, DATABASE_URL: 'postgresql://app@db.prod.internal:5432/wahooks' });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/SECRETS_ENCRYPTION_KEY: holds a local-development value/);
    expect(message).toMatch(/ADMIN_API_TOKEN/);
    expect(message).toMatch(/INTAKE_RECORD_KEYS/);
    expect(message).not.toContain('local-admin-token-change-me');
    expect(() => loadConfig({ ...local, KAFKA_BROKERS: 'kafka.prod.internal:9092' })).toThrow(/ADMIN_API_TOKEN/);
    expect(() => loadConfig({ ...local, NODE_ENV: 'production' })).toThrow(/ADMIN_API_TOKEN/);
  });

  it('are allowed where a deployment says so explicitly (docker-compose)', () => {
    expect(() => loadConfig({ ...local, NODE_ENV: 'production', ALLOW_DEVELOPMENT_SECRETS: 'true' })).not.toThrow();
  });

  it('include any placeholder, and each value of a rotation list', () => {
    expect(developmentSecretsIn({ ADMIN_API_TOKEN: 'please-change-me-now-xxxx' })).toEqual(['ADMIN_API_TOKEN']);
    expect(developmentSecretsIn({ INTAKE_RECORD_KEYS: 'a-real-key-0123456789abcdef0123456789,local-dev-only-intake-record-key-change-me' })).toEqual(['INTAKE_RECORD_KEYS']);
    expect(developmentSecretsIn({ ADMIN_API_TOKEN: 'f3a9c1e0b2d4' })).toEqual([]);
  });

  it('tell local development by the hosts', () => {
    expect(isLocalDevelopment({ nodeEnv: 'development', databaseUrl: 'postgresql://localhost/x', brokers: ['127.0.0.1:9092', '[::1]:9093'] })).toBe(true);
    expect(isLocalDevelopment({ nodeEnv: 'development', databaseUrl: 'postgresql://postgres:5432/x', brokers: ['127.0.0.1:9092'] })).toBe(false);
  });
});
