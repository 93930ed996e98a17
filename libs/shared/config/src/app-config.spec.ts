import { ConfigError, loadConfig } from './app-config';

const valid = {
  DATABASE_URL: 'postgresql://127.0.0.1:5432/wahooks',
  KAFKA_BROKERS: '127.0.0.1:9092, 127.0.0.1:9093',
  SECRETS_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
  ADMIN_API_TOKEN: 'a-long-enough-admin-token',
  INTAKE_RECORD_KEYS: 'a-record-proof-key-of-32-characters-or-more',
};

describe('loadConfig', () => {
  it('applies defaults and types every value', () => {
    const c = loadConfig(valid);
    expect(c.http.port).toBe(3000);
    expect(c.kafka.brokers).toEqual(['127.0.0.1:9092', '127.0.0.1:9093']);
    expect(c.intake.bodyLimitBytes).toBe(3 * 1024 * 1024);
    expect(c.intake.maxInflightBytes).toBe(64 * 1024 * 1024);
    expect(c.secrets.encryptionKey.length).toBe(32);
    expect(c.platform.appSecrets).toEqual([]);
  });

  it('names every invalid variable without echoing secret values', () => {
    const secret = 'c2hvcnQ=';
    let error: unknown;
    try {
      loadConfig({ ...valid, SECRETS_ENCRYPTION_KEY: secret, HTTP_PORT: 'abc', KAFKA_BROKERS: '' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    expect(message).toContain('SECRETS_ENCRYPTION_KEY');
    expect(message).toContain('HTTP_PORT');
    expect(message).toContain('KAFKA_BROKERS');
    expect(message).not.toContain(secret);
  });

  it('fails fast when required variables are missing', () => {
    expect(() => loadConfig({})).toThrow(/DATABASE_URL/);
  });

  it('requires the in-flight budget to hold at least one body of the largest allowed size', () => {
    expect(() => loadConfig({ ...valid, INTAKE_BODY_LIMIT_BYTES: '2048', INTAKE_MAX_INFLIGHT_BYTES: '2047' })).toThrow(/INTAKE_MAX_INFLIGHT_BYTES/);
    expect(loadConfig({ ...valid, INTAKE_BODY_LIMIT_BYTES: '2048', INTAKE_MAX_INFLIGHT_BYTES: '2048' }).intake.maxInflightBytes).toBe(2048);
    expect(() => loadConfig({ ...valid, INTAKE_MAX_INFLIGHT_BYTES: 'lots' })).toThrow(/INTAKE_MAX_INFLIGHT_BYTES/);
  });

  it('puts the private listener on its own port, on HTTP_HOST unless told otherwise', () => {
    expect(loadConfig(valid).adminHttp).toEqual({ port: 9464, host: '0.0.0.0' });
    expect(loadConfig({ ...valid, HTTP_HOST: '10.0.0.5', ADMIN_HTTP_PORT: '0' }).adminHttp).toEqual({ port: 0, host: '10.0.0.5' });
    expect(loadConfig({ ...valid, ADMIN_HTTP_HOST: '127.0.0.1' }).adminHttp.host).toBe('127.0.0.1');
    expect(() => loadConfig({ ...valid, HTTP_PORT: '8080', ADMIN_HTTP_PORT: '8080' })).toThrow(/ADMIN_HTTP_PORT: must differ from HTTP_PORT/);
    expect(() => loadConfig({ ...valid, ADMIN_HTTP_PORT: '70000' })).toThrow(/ADMIN_HTTP_PORT/);
    // Both 0: two different random ports (the tests' setting).
    expect(loadConfig({ ...valid, HTTP_PORT: '0', ADMIN_HTTP_PORT: '0' }).adminHttp.port).toBe(0);
  });

  it('requires a bucket for S3 media storage and both S3 keys or neither', () => {
    expect(() => loadConfig({ ...valid, MEDIA_STORAGE: 's3' })).toThrow(/MEDIA_S3_BUCKET/);
    expect(() => loadConfig({ ...valid, MEDIA_STORAGE: 's3', MEDIA_S3_BUCKET: 'b', MEDIA_S3_ACCESS_KEY_ID: 'k' })).toThrow(/set both or neither/);
    const c = loadConfig({ ...valid, MEDIA_STORAGE: 's3', MEDIA_S3_BUCKET: 'b', MEDIA_S3_ENDPOINT: 'http://minio:9000', MEDIA_S3_FORCE_PATH_STYLE: 'true' });
    expect(c.inbound.storage).toEqual({
      kind: 's3',
      s3: { bucket: 'b', region: 'us-east-1', endpoint: 'http://minio:9000', forcePathStyle: true, credentials: undefined, prefix: '' },
    });
    expect(loadConfig(valid).inbound.storage).toEqual({ kind: 'fs' });
  });

  it('passes a verify-full URL with its CA file through untouched (node-postgres reads sslmode and sslrootcert from it)', () => {
    const url = 'postgresql://wahooks_intake:pw@db.example.internal:5432/wahooks?sslmode=verify-full&sslrootcert=/etc/wahooks/pg-ca.pem';
    expect(loadConfig({ ...valid, DATABASE_URL: url }).database.url).toBe(url);
  });
});
