import { consumerSection, recordProofSection } from './consumer.config';
import { databaseSection } from './database.config';
import { developmentSecretsIn, isLocalDevelopment } from './development-secrets';
import { fallbackSection } from './fallback.config';
import { kafkaSection } from './kafka.config';
import { loadConfig } from './load-config';
import { adminApiSection, encryptionSection } from './tenancy.config';

const local = {
  DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/wahooks',
  KAFKA_BROKERS: '127.0.0.1:9092',
  SECRETS_ENCRYPTION_KEY: 'bG9jYWwtZGV2LW9ubHktZW5jcnlwdGlvbi1rZXkhISE=',
  ADMIN_API_TOKEN: 'local-admin-token-change-me',
  INTAKE_RECORD_KEYS: 'local-dev-only-intake-record-key-change-me',
};
/** What the intake and template-monitor read of these, and what a status-projector reads. */
const withAdmin = [databaseSection, kafkaSection, recordProofSection, encryptionSection, adminApiSection] as const;
const consumerOnly = [databaseSection, kafkaSection, recordProofSection, consumerSection] as const;

describe('development secrets', () => {
  it('are fine on a developer machine', () => {
    expect(() => loadConfig(withAdmin, local)).not.toThrow();
  });

  it('stop the process against a database or broker that is not on this machine, naming the variables only', () => {
    let message = '';
    try {
      loadConfig(withAdmin, { ...local, DATABASE_URL: 'postgresql://app@db.prod.internal:5432/wahooks' });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/SECRETS_ENCRYPTION_KEY: holds a local-development value/);
    expect(message).toMatch(/ADMIN_API_TOKEN/);
    expect(message).toMatch(/INTAKE_RECORD_KEYS/);
    expect(message).not.toContain('local-admin-token-change-me');
    expect(() => loadConfig(withAdmin, { ...local, KAFKA_BROKERS: 'kafka.prod.internal:9092' })).toThrow(/ADMIN_API_TOKEN/);
    expect(() => loadConfig(withAdmin, { ...local, NODE_ENV: 'production' })).toThrow(/ADMIN_API_TOKEN/);
  });

  it('are checked for the secrets of the composed sections only: what a process does not read cannot stop it', () => {
    const prod = { ...local, NODE_ENV: 'production', INTAKE_RECORD_KEYS: 'a-real-record-proof-key-0123456789abcdef' };
    // A status-projector reads neither the admin token nor the encryption key: their development values are not its business.
    expect(() => loadConfig(consumerOnly, prod)).not.toThrow();
    const message = (() => {
      try {
        loadConfig(withAdmin, prod);
        return '';
      } catch (e) {
        return (e as Error).message;
      }
    })();
    expect(message).toMatch(/SECRETS_ENCRYPTION_KEY[\s\S]*ADMIN_API_TOKEN|ADMIN_API_TOKEN[\s\S]*SECRETS_ENCRYPTION_KEY/);
    expect(message).not.toMatch(/INTAKE_RECORD_KEYS/);
  });

  it('include a placeholder in any secret a section declares, such as the example Secret’s CHANGE-ME', () => {
    const prod = { NODE_ENV: 'production', FALLBACK_SMS_SECRET: 'CHANGE-ME-at-least-16-characters', DATABASE_URL: 'postgresql://wahooks_x:CHANGE-ME@db.internal/wahooks' };
    expect(() => loadConfig([fallbackSection, databaseSection], prod)).toThrow(/DATABASE_URL: holds a local-development value[\s\S]*FALLBACK_SMS_SECRET: holds/);
    // Not a secret of any composed section: never looked at.
    expect(() => loadConfig([databaseSection], { ...prod, DATABASE_URL: 'postgresql://wahooks_x:s3cret@db.internal/wahooks' })).not.toThrow();
  });

  it('are allowed where a deployment says so explicitly (docker-compose)', () => {
    expect(() => loadConfig(withAdmin, { ...local, NODE_ENV: 'production', ALLOW_DEVELOPMENT_SECRETS: 'true' })).not.toThrow();
  });

  it('include any placeholder, and each value of a rotation list', () => {
    expect(developmentSecretsIn({ ADMIN_API_TOKEN: 'please-change-me-now-xxxx' })).toEqual(['ADMIN_API_TOKEN']);
    expect(developmentSecretsIn({ INTAKE_RECORD_KEYS: 'a-real-key-0123456789abcdef0123456789,local-dev-only-intake-record-key-change-me' })).toEqual(['INTAKE_RECORD_KEYS']);
    expect(developmentSecretsIn({ ADMIN_API_TOKEN: 'f3a9c1e0b2d4' })).toEqual([]);
    expect(developmentSecretsIn({ ADMIN_API_TOKEN: 'local-admin-token-change-me' }, ['INTAKE_RECORD_KEYS'])).toEqual([]);
  });

  it('tell local development by the hosts', () => {
    expect(isLocalDevelopment({ nodeEnv: 'development', hosts: ['localhost', '127.0.0.1:9092', '[::1]:9093'] })).toBe(true);
    expect(isLocalDevelopment({ nodeEnv: 'development', hosts: ['postgres', '127.0.0.1:9092'] })).toBe(false);
    expect(isLocalDevelopment({ nodeEnv: 'production', hosts: ['127.0.0.1'] })).toBe(false);
  });
});
