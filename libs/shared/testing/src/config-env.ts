/**
 * Well-formed values for every variable some section requires or holds as a
 * secret, for configuration unit tests (no environment read): `configEnv(names)`
 * gives exactly the ones named, so a test shows what an app starts with.
 */
export const WELL_FORMED: Readonly<Record<string, string>> = {
  DATABASE_URL: 'postgresql://wahooks_app:pw@db.example.internal:5432/wahooks',
  KAFKA_BROKERS: 'kafka-0.example.internal:9092',
  KAFKA_SASL_PASSWORD: 'a-kafka-password',
  INTAKE_RECORD_KEYS: 'a-record-proof-key-of-32-characters-or-more',
  SECRETS_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
  ADMIN_API_TOKEN: 'an-admin-token-of-sufficient-length',
  PLATFORM_APP_SECRETS: 'a-platform-app-secret',
  PLATFORM_VERIFY_TOKEN: 'a-platform-verify-token',
  FALLBACK_SMS_URL: 'https://sms.example.com/v1/messages',
  FALLBACK_SMS_SECRET: 'an-sms-signing-key-of-sufficient-length',
  INBOUND_GRAPH_CONFIG: '{"acme": {"accessToken": "a-graph-api-access-token"}}',
  MEDIA_S3_SECRET_ACCESS_KEY: 'an-s3-secret-access-key',
};

/** Malformed values for the same variables: a process that read one would refuse to start. */
export const MALFORMED: Readonly<Record<string, string>> = {
  DATABASE_URL: 'not a url',
  KAFKA_BROKERS: '',
  KAFKA_SASL_PASSWORD: '',
  INTAKE_RECORD_KEYS: 'short',
  SECRETS_ENCRYPTION_KEY: 'c2hvcnQ=',
  ADMIN_API_TOKEN: 'short',
  PLATFORM_APP_SECRETS: 'local-platform-app-secret',
  PLATFORM_VERIFY_TOKEN: 'local-dev-verify-token',
  FALLBACK_SMS_URL: 'not a url',
  FALLBACK_SMS_SECRET: 'short',
  INBOUND_GRAPH_CONFIG: '{not json',
  MEDIA_S3_SECRET_ACCESS_KEY: '',
};

/** The well-formed values of `names`, in production (so development values would be refused). */
export function configEnv(names: readonly string[]): Record<string, string> {
  return {
    NODE_ENV: 'production',
    ...Object.fromEntries(
      names.map((name) => {
        const value = WELL_FORMED[name];
        if (value === undefined) throw new Error(`configEnv: no well-formed value for ${name}`);
        return [name, value];
      }),
    ),
  };
}

/** Malformed values for every variable of WELL_FORMED but `names`: what an app that does not read them ignores. */
export function othersMalformed(names: readonly string[]): Record<string, string> {
  return Object.fromEntries(Object.entries(MALFORMED).filter(([name]) => !names.includes(name)));
}
