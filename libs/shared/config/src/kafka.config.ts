import { readFileSync } from 'node:fs';

import { z } from 'zod';

import { csv, defineSection } from './section';

/**
 * The Kafka section of the configuration, read by every app and by the
 * tools that talk to Kafka (kafka-admin, dlq:replay, unrouted:replay, the
 * bench): where, under which topic namespace, and how to authenticate.
 * Files are read here, once, so a missing CA or key stops the process at
 * start-up naming the variable (never its contents).
 */

const kafkaEnv = {
  KAFKA_BROKERS: csv.refine((v) => v.length > 0, 'at least one broker'),
  KAFKA_CLIENT_ID: z.string().default('wahooks'),
  /** Namespace of every topic (e.g. `test.` for the test suite, `prod.` on a shared cluster); empty by default. */
  KAFKA_TOPIC_PREFIX: z.string().regex(/^[a-zA-Z0-9._-]*$/, "letters, digits, '.', '_' and '-' only").default(''),
  /** As Kafka's own clients name it. */
  KAFKA_SECURITY_PROTOCOL: z.enum(['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL']).default('PLAINTEXT'),
  KAFKA_SASL_MECHANISM: z.enum(['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512', 'OAUTHBEARER']).optional(),
  KAFKA_SASL_USERNAME: z.string().min(1).optional(),
  KAFKA_SASL_PASSWORD: z.string().min(1).optional(),
  /** OAUTHBEARER: a file holding the current token (re-read at each authentication). */
  KAFKA_SASL_OAUTHBEARER_TOKEN_FILE: z.string().min(1).optional(),
  /** PEM files: the CA bundle that signs the brokers' certificates; for mTLS, our certificate and key. */
  KAFKA_TLS_CA_FILE: z.string().min(1).optional(),
  KAFKA_TLS_CERT_FILE: z.string().min(1).optional(),
  KAFKA_TLS_KEY_FILE: z.string().min(1).optional(),
  /** The name the brokers' certificates carry, when it differs from the host the client dials. */
  KAFKA_TLS_SERVERNAME: z.string().min(1).optional(),
  /** Never set to false but for a throwaway test broker. */
  KAFKA_TLS_REJECT_UNAUTHORIZED: z.enum(['true', 'false']).default('true'),
};

type KafkaEnv = z.output<z.ZodObject<typeof kafkaEnv>>;

export interface KafkaConfig {
  brokers: string[];
  clientId: string;
  topicPrefix: string;
  security: {
    protocol: KafkaEnv['KAFKA_SECURITY_PROTOCOL'];
    tls?: { ca?: string; cert?: string; key?: string; servername?: string; rejectUnauthorized: boolean };
    sasl?: { mechanism: NonNullable<KafkaEnv['KAFKA_SASL_MECHANISM']>; username?: string; password?: string; tokenFile?: string };
  };
}

export const kafkaSection = defineSection({
  name: 'kafka',
  env: kafkaEnv,
  secrets: ['KAFKA_SASL_PASSWORD'],
  read: (c, fail) => readKafka(c, fail),
  hosts: (k) => k.brokers,
});

/** Cross-field rules and file reads; each issue names its variable. */
function readKafka(c: KafkaEnv, fail: (issue: string) => void): KafkaConfig {
  const tls = c.KAFKA_SECURITY_PROTOCOL === 'SSL' || c.KAFKA_SECURITY_PROTOCOL === 'SASL_SSL';
  const sasl = c.KAFKA_SECURITY_PROTOCOL === 'SASL_SSL' || c.KAFKA_SECURITY_PROTOCOL === 'SASL_PLAINTEXT';
  if (sasl && !c.KAFKA_SASL_MECHANISM) fail(`KAFKA_SASL_MECHANISM: required with KAFKA_SECURITY_PROTOCOL=${c.KAFKA_SECURITY_PROTOCOL}`);
  if (!sasl && c.KAFKA_SASL_MECHANISM) fail(`KAFKA_SASL_MECHANISM: set, but KAFKA_SECURITY_PROTOCOL=${c.KAFKA_SECURITY_PROTOCOL} does not use SASL`);
  if (sasl && c.KAFKA_SASL_MECHANISM && c.KAFKA_SASL_MECHANISM !== 'OAUTHBEARER' && (!c.KAFKA_SASL_USERNAME || !c.KAFKA_SASL_PASSWORD)) {
    fail(`KAFKA_SASL_USERNAME / KAFKA_SASL_PASSWORD: required with ${c.KAFKA_SASL_MECHANISM}`);
  }
  if (sasl && c.KAFKA_SASL_MECHANISM === 'OAUTHBEARER' && !c.KAFKA_SASL_OAUTHBEARER_TOKEN_FILE) fail('KAFKA_SASL_OAUTHBEARER_TOKEN_FILE: required with OAUTHBEARER');
  if (c.KAFKA_SECURITY_PROTOCOL === 'SASL_PLAINTEXT' && c.KAFKA_SASL_MECHANISM === 'PLAIN') fail('KAFKA_SASL_MECHANISM: PLAIN sends the password in clear; use it over SASL_SSL only');
  if (Boolean(c.KAFKA_TLS_CERT_FILE) !== Boolean(c.KAFKA_TLS_KEY_FILE)) fail('KAFKA_TLS_CERT_FILE / KAFKA_TLS_KEY_FILE: set both (mTLS) or neither');
  if (!tls && (c.KAFKA_TLS_CA_FILE || c.KAFKA_TLS_CERT_FILE)) fail(`KAFKA_TLS_*: set, but KAFKA_SECURITY_PROTOCOL=${c.KAFKA_SECURITY_PROTOCOL} does not use TLS`);
  const read = (name: string, path: string | undefined): string | undefined => {
    if (!path) return undefined;
    try {
      return readFileSync(path, 'utf8');
    } catch (error) {
      fail(`${name}: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
      return undefined;
    }
  };
  const ca = read('KAFKA_TLS_CA_FILE', c.KAFKA_TLS_CA_FILE);
  const cert = read('KAFKA_TLS_CERT_FILE', c.KAFKA_TLS_CERT_FILE);
  const key = read('KAFKA_TLS_KEY_FILE', c.KAFKA_TLS_KEY_FILE);
  if (c.KAFKA_SASL_OAUTHBEARER_TOKEN_FILE) read('KAFKA_SASL_OAUTHBEARER_TOKEN_FILE', c.KAFKA_SASL_OAUTHBEARER_TOKEN_FILE);
  return {
    brokers: c.KAFKA_BROKERS,
    clientId: c.KAFKA_CLIENT_ID,
    topicPrefix: c.KAFKA_TOPIC_PREFIX,
    security: {
      protocol: c.KAFKA_SECURITY_PROTOCOL,
      ...(tls
        ? {
            tls: {
              rejectUnauthorized: c.KAFKA_TLS_REJECT_UNAUTHORIZED === 'true',
              ...(ca ? { ca } : {}),
              ...(cert ? { cert } : {}),
              ...(key ? { key } : {}),
              ...(c.KAFKA_TLS_SERVERNAME ? { servername: c.KAFKA_TLS_SERVERNAME } : {}),
            },
          }
        : {}),
      ...(sasl && c.KAFKA_SASL_MECHANISM
        ? {
            sasl: {
              mechanism: c.KAFKA_SASL_MECHANISM,
              ...(c.KAFKA_SASL_USERNAME ? { username: c.KAFKA_SASL_USERNAME } : {}),
              ...(c.KAFKA_SASL_PASSWORD ? { password: c.KAFKA_SASL_PASSWORD } : {}),
              ...(c.KAFKA_SASL_OAUTHBEARER_TOKEN_FILE ? { tokenFile: c.KAFKA_SASL_OAUTHBEARER_TOKEN_FILE } : {}),
            },
          }
        : {}),
    },
  };
}
