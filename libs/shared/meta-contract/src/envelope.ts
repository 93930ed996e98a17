import { isRecord } from './json';

/**
 * Meta's webhook envelope as parsed, without copying or coercion: the intake
 * re-serialises entries for multi-tenant POSTs and the raw topic keeps the
 * original bytes, so the parse only checks the skeleton it routes on. Fields
 * are `unknown` because nothing below `entry[]` is validated here; read them
 * through `entryRoutingKeys` and `normalizeEnvelope`.
 */
export interface Change {
  /** The subscribed field name, e.g. `messages`; a string in every Meta payload. */
  readonly field?: unknown;
  readonly value?: unknown;
  readonly [key: string]: unknown;
}

export interface Entry {
  /** The WABA id (a string on the wire). */
  readonly id?: unknown;
  /** Unix seconds; present on management fields, normally absent on `messages`. */
  readonly time?: unknown;
  /** An array of {@link Change} objects on every Meta payload. */
  readonly changes?: unknown;
  readonly [key: string]: unknown;
}

export interface Envelope {
  /** `whatsapp_business_account`; some sources omit it, so it is not required. */
  readonly object?: unknown;
  readonly entry: readonly Entry[];
  readonly [key: string]: unknown;
}

export type ParseErrorCode = 'MALFORMED_JSON' | 'NOT_AN_ENVELOPE';

export interface ParseError {
  readonly code: ParseErrorCode;
  readonly message: string;
}

export type ParseResult = { readonly ok: true; readonly envelope: Envelope } | { readonly ok: false; readonly error: ParseError };

/** Parses a delivery body. Never throws; a body that is not an envelope is a typed error. */
export function parseWebhookBody(raw: Buffer | string): ParseResult {
  let value: unknown;
  try {
    value = JSON.parse(typeof raw === 'string' ? raw : raw.toString('utf8'));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { ok: false, error: { code: 'MALFORMED_JSON', message: `body is not valid JSON: ${reason}` } };
  }
  return asEnvelope(value);
}

/**
 * The same check for an already-parsed value (e.g. a payload read back from
 * Kafka). Entries must be objects: an envelope whose entries are not cannot
 * be routed, and typing them as {@link Entry} would be a lie.
 */
export function asEnvelope(value: unknown): ParseResult {
  if (!isRecord(value)) return notAnEnvelope(`top-level value is ${describe(value)}, not an object`);
  const entry = value['entry'];
  if (!Array.isArray(entry)) return notAnEnvelope(`"entry" is ${describe(entry)}, not an array`);
  const bad = entry.findIndex((item) => !isRecord(item));
  if (bad >= 0) return notAnEnvelope(`entry[${bad}] is ${describe(entry[bad])}, not an object`);
  return { ok: true, envelope: value as Envelope };
}

function notAnEnvelope(message: string): ParseResult {
  return { ok: false, error: { code: 'NOT_AN_ENVELOPE', message } };
}

function describe(value: unknown): string {
  if (value === undefined) return 'missing';
  if (value === null) return 'null';
  const type = Array.isArray(value) ? 'array' : typeof value;
  return `${/^[aeiou]/.test(type) ? 'an' : 'a'} ${type}`;
}
