import { ConfigError, loadConfig } from './app-config';

const valid = {
  DATABASE_URL: 'postgresql://127.0.0.1:5432/wahooks',
  KAFKA_BROKERS: '127.0.0.1:9092, 127.0.0.1:9093',
  SECRETS_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
  ADMIN_API_TOKEN: 'a-long-enough-admin-token',
};

describe('loadConfig', () => {
  it('applies defaults and types every value', () => {
    const c = loadConfig(valid);
    expect(c.http.port).toBe(3000);
    expect(c.kafka.brokers).toEqual(['127.0.0.1:9092', '127.0.0.1:9093']);
    expect(c.intake.bodyLimitBytes).toBe(3 * 1024 * 1024);
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
