import { readFileSync } from 'node:fs';

import type { Producer } from '@platformatic/kafka';
import type { KafkaConfig } from 'kafkajs';

type PlatformaticOptions = NonNullable<ConstructorParameters<typeof Producer>[0]>;

/**
 * How every Kafka client of a process authenticates, from one validated
 * config section (libs/shared/config, `KAFKA_SECURITY_PROTOCOL`…): TLS with
 * a CA bundle and optionally a client certificate (mTLS), and SASL with
 * PLAIN, SCRAM-SHA-256/512 or OAUTHBEARER (a token read from a file at each
 * authentication, as Kubernetes and sidecars refresh it). Both client
 * libraries get it from here, so the producer, the consumers, the admin
 * calls, the tools and the bench connect the same way.
 */
export interface KafkaSecurity {
  protocol: 'PLAINTEXT' | 'SSL' | 'SASL_PLAINTEXT' | 'SASL_SSL';
  tls?: {
    /** PEM text (the config loader read the files). */
    ca?: string;
    cert?: string;
    key?: string;
    servername?: string;
    /** Only ever false for a throwaway test broker. */
    rejectUnauthorized: boolean;
  };
  sasl?: {
    mechanism: 'PLAIN' | 'SCRAM-SHA-256' | 'SCRAM-SHA-512' | 'OAUTHBEARER';
    username?: string;
    password?: string;
    /** OAUTHBEARER: a file holding the current token, read at each authentication. */
    tokenFile?: string;
  };
}

export const PLAINTEXT: KafkaSecurity = { protocol: 'PLAINTEXT' };

const usesTls = (s: KafkaSecurity): boolean => s.protocol === 'SSL' || s.protocol === 'SASL_SSL';
const usesSasl = (s: KafkaSecurity): boolean => s.protocol === 'SASL_SSL' || s.protocol === 'SASL_PLAINTEXT';

const readToken = (file: string): string => readFileSync(file, 'utf8').trim();

/** The same settings in kafkajs's shape (its mechanism names are lower case). */
export function kafkajsSecurity(s: KafkaSecurity): Pick<KafkaConfig, 'ssl' | 'sasl'> {
  const out: Pick<KafkaConfig, 'ssl' | 'sasl'> = {};
  if (usesTls(s)) {
    const t = s.tls ?? { rejectUnauthorized: true };
    out.ssl = {
      rejectUnauthorized: t.rejectUnauthorized,
      ...(t.ca ? { ca: [t.ca] } : {}),
      ...(t.cert ? { cert: t.cert } : {}),
      ...(t.key ? { key: t.key } : {}),
      ...(t.servername ? { servername: t.servername } : {}),
    };
  }
  if (usesSasl(s) && s.sasl) {
    const { mechanism, username = '', password = '', tokenFile } = s.sasl;
    switch (mechanism) {
      case 'PLAIN':
        out.sasl = { mechanism: 'plain', username, password };
        break;
      case 'SCRAM-SHA-256':
        out.sasl = { mechanism: 'scram-sha-256', username, password };
        break;
      case 'SCRAM-SHA-512':
        out.sasl = { mechanism: 'scram-sha-512', username, password };
        break;
      case 'OAUTHBEARER':
        out.sasl = { mechanism: 'oauthbearer', oauthBearerProvider: async () => ({ value: readToken(tokenFile ?? '') }) };
        break;
    }
  }
  return out;
}

/** The same settings in @platformatic/kafka's shape. */
export function platformaticSecurity(s: KafkaSecurity): Pick<PlatformaticOptions, 'tls' | 'sasl'> {
  const out: Pick<PlatformaticOptions, 'tls' | 'sasl'> = {};
  if (usesTls(s)) {
    const t = s.tls ?? { rejectUnauthorized: true };
    out.tls = {
      rejectUnauthorized: t.rejectUnauthorized,
      ...(t.ca ? { ca: t.ca } : {}),
      ...(t.cert ? { cert: t.cert } : {}),
      ...(t.key ? { key: t.key } : {}),
      ...(t.servername ? { servername: t.servername } : {}),
      // With a client certificate the broker may refuse it only after a TLS 1.3 handshake
      // completed, which @platformatic/kafka 2.12 reports as an unhandled 'error' event
      // (a process crash); on TLS 1.2 the refusal is part of the handshake and fails cleanly.
      ...(t.cert ? { maxVersion: 'TLSv1.2' as const } : {}),
    };
  }
  if (usesSasl(s) && s.sasl) {
    const { mechanism, username, password, tokenFile } = s.sasl;
    out.sasl = mechanism === 'OAUTHBEARER' ? { mechanism, token: () => readToken(tokenFile ?? '') } : { mechanism, username, password };
  }
  return out;
}

/** A configuration the broker will never accept as it is: the process stops at start-up with this message. */
export class KafkaSecurityError extends Error {
  override readonly name = 'KafkaSecurityError';
}

const TLS_REFUSALS = /(SELF_SIGNED_CERT|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER|CERT_HAS_EXPIRED|CERT_NOT_YET_VALID|ERR_TLS_CERT_ALTNAME_INVALID|DEPTH_ZERO_SELF_SIGNED|certificate|ERR_SSL|wrong version number|alert)/i;
const AUTH_REFUSALS = /(SASL_AUTHENTICATION_FAILED|Authentication failed|authentication error|invalid credentials|Invalid username or password|SASLAuthentication|UNSUPPORTED_SASL_MECHANISM|ILLEGAL_SASL_STATE|Cannot find a suitable SASL mechanism|CLUSTER_AUTHORIZATION_FAILED)/i;

/** Looks through an error's causes and aggregates for what a retry cannot fix: a refused login or an untrusted certificate. */
export function securityRefusal(error: unknown): 'authentication' | 'tls' | undefined {
  const seen = new Set<unknown>();
  const visit = (e: unknown, depth: number): 'authentication' | 'tls' | undefined => {
    if (!e || typeof e !== 'object' || depth > 8 || seen.has(e)) return undefined;
    seen.add(e);
    const x = e as { name?: unknown; code?: unknown; apiId?: unknown; message?: unknown; cause?: unknown; errors?: unknown };
    const text = [x.name, x.code, x.apiId, x.message].filter((v) => typeof v === 'string').join(' ');
    if (/AUTHENTICATION|SASL/i.test(String(x.name ?? '')) || AUTH_REFUSALS.test(text)) return 'authentication';
    if (typeof x.code === 'string' && TLS_REFUSALS.test(x.code)) return 'tls';
    if (TLS_REFUSALS.test(String(x.message ?? '')) && /(tls|ssl|certificate|cert)/i.test(text)) return 'tls';
    for (const inner of [x.cause, ...(Array.isArray(x.errors) ? x.errors : [])]) {
      const found = visit(inner, depth + 1);
      if (found) return found;
    }
    return undefined;
  };
  return visit(error, 0);
}

/** The innermost message of an error chain (the broker's or TLS's own words), for the start-up message. */
export function innermostMessage(error: unknown): string {
  let current: unknown = error;
  for (let depth = 0; depth < 8; depth++) {
    const x = current as { cause?: unknown; errors?: unknown[] } | undefined;
    const next = x?.cause ?? (Array.isArray(x?.errors) ? x?.errors[0] : undefined);
    if (!next) break;
    current = next;
  }
  return current instanceof Error ? current.message : String(current);
}
