/**
 * How the consumer runtime treats a handler failure. A record is poison only
 * when the failure is proven to be about the record and deterministic;
 * everything else, including every error this code has never seen, is
 * transient. See docs/consumers.md ("Failures") for the whole policy.
 *
 * - poison: the record cannot be decoded or validated, the event store
 *   refuses it as invalid, or Postgres refuses its data (SQLSTATE classes 22
 *   and 23, 54). Retried a few times (a unique violation can be a race),
 *   then isolated by splitting the batch and dead-lettered alone.
 * - infrastructure: the database or broker is down, read-only, restarting,
 *   full, overloaded, or refuses us (credentials, privileges, a missing
 *   migration). Nothing about the records: retried with capped backoff for
 *   as long as it takes, never split, never dead-lettered.
 * - timeout: the work took too long (statement timeout, cancelled query,
 *   expired transaction). Retried; when it repeats on the same work the
 *   batch is split, so each part is smaller.
 * - unknown: anything else (a bug, a new error). Retried like a timeout; a
 *   single record that keeps failing the same way is parked (dead-lettered
 *   with the reason) only while other records are being handled, which
 *   proves the failure is about that record; if nothing succeeds, it is
 *   the service, and the runtime keeps retrying.
 */
export type FailureClass = 'poison' | 'infrastructure' | 'timeout' | 'unknown';

export interface Classified {
  class: FailureClass;
  /** The code that decided it (SQLSTATE, errno, Prisma or Kafka code, error name), for logs and metrics. */
  code: string | undefined;
}

/** Thrown by handlers for input that can never succeed (undecodable, invalid, unknown shape…). */
export class PoisonRecordError extends Error {
  override readonly name = 'PoisonRecordError';
}

/**
 * SQLSTATE classes (first two characters) and the single codes that differ
 * from their class. https://www.postgresql.org/docs/15/errcodes-appendix.html
 */
const SQLSTATE_CLASSES: Readonly<Record<string, FailureClass>> = {
  '08': 'infrastructure', // connection exception
  '22': 'poison', // data exception: the record's values cannot be stored
  '23': 'poison', // integrity constraint violation
  '25': 'unknown', // invalid transaction state (25006 and 25P03 below)
  '28': 'infrastructure', // invalid authorization: credentials rotated
  '3D': 'infrastructure', // database does not exist
  '3F': 'infrastructure', // schema does not exist
  '40': 'infrastructure', // serialization failure, deadlock: run it again
  '42': 'infrastructure', // missing table/column, privilege: a deploy or migration is off, not the record
  '53': 'infrastructure', // insufficient resources: disk full, out of memory, too many connections
  '54': 'poison', // program limit exceeded: this record is too big for a row or index
  '55': 'infrastructure', // lock not available, object in use
  '57': 'infrastructure', // operator intervention: shutdown, restart, crash recovery (57014 below)
  '58': 'infrastructure', // system error: I/O
  '72': 'infrastructure', // snapshot too old
  F0: 'infrastructure', // configuration file error
  XX: 'infrastructure', // internal error, corruption
};
const SQLSTATE_CODES: Readonly<Record<string, FailureClass>> = {
  '25006': 'infrastructure', // read-only transaction: a failover in progress, or a standby
  '25P03': 'timeout', // idle-in-transaction timeout
  '57014': 'timeout', // statement timeout, query cancelled
  '57P05': 'infrastructure', // idle session timeout
  '42P18': 'unknown', // indeterminate datatype: our SQL is wrong
  '42601': 'unknown', // syntax error: our SQL is wrong
  '42804': 'unknown', // datatype mismatch: our SQL is wrong
};

/** Prisma error codes (https://www.prisma.io/docs/orm/reference/error-reference). */
const PRISMA_CODES: Readonly<Record<string, FailureClass>> = {
  P1000: 'infrastructure', // authentication failed
  P1001: 'infrastructure', // cannot reach the database
  P1002: 'infrastructure', // timed out reaching it
  P1008: 'timeout', // operation timed out
  P1017: 'infrastructure', // server closed the connection
  P2024: 'infrastructure', // pool timeout
  P2028: 'timeout', // transaction API error: expired or closed transaction
  P2034: 'infrastructure', // write conflict or deadlock: retry
};

/** Node socket and DNS errors. */
const ERRNO_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ENETDOWN', 'EHOSTDOWN', 'ESOCKETTIMEDOUT',
]);

/** Error names of the Kafka clients and our producer that mean "the broker is unwell". */
const INFRASTRUCTURE_NAMES = new Set([
  'KafkaJSConnectionError', 'KafkaJSRequestTimeoutError', 'KafkaJSNumberOfRetriesExceeded', 'KafkaJSBrokerNotFound', 'KafkaJSLockTimeout',
  'ProducerUnavailableError', 'PublishTimeoutError', 'ProducerOverloadedError', 'PrismaClientInitializationError', 'ConcurrencyError',
  // The consumer lost its partition (or is stopping) between two chunks of a batch: nothing about the records.
  'BatchAbandonedError',
]);

/** Driver messages that carry no code (pg's client and pool, Prisma's adapter). */
const INFRASTRUCTURE_MESSAGES =
  /(Can't reach database|Connection terminated|connect ECONNREFUSED|Timed out fetching a new connection|timeout exceeded when trying to connect|Client has encountered a connection error|the database system is (starting up|shutting down|in recovery mode)|Connection refused|server closed the connection)/i;
const TIMEOUT_MESSAGES = /(Query read timeout|statement timeout|canceling statement|Transaction already closed|expired transaction)/i;

interface ErrorLike {
  code?: unknown;
  name?: unknown;
  message?: unknown;
  cause?: unknown;
  retriable?: unknown;
  meta?: { code?: unknown; driverAdapterError?: unknown } | undefined;
  originalCode?: unknown;
  kind?: unknown;
}

function classOfCode(code: string): FailureClass | undefined {
  if (/^[0-9A-Z]{5}$/.test(code) && !code.startsWith('P')) return SQLSTATE_CODES[code] ?? SQLSTATE_CLASSES[code.slice(0, 2)] ?? 'unknown';
  if (code in PRISMA_CODES) return PRISMA_CODES[code];
  if (ERRNO_CODES.has(code)) return 'infrastructure';
  return undefined;
}

/**
 * Looks through the error, its causes and wrappers (Prisma's P2010 carries
 * the SQLSTATE in `meta.code`, its adapter errors in `cause.originalCode`)
 * for the most specific code; the first decisive one wins, outermost first,
 * except that a wrapper's generic code never hides a SQLSTATE inside it.
 */
export function classifyFailure(error: unknown): Classified {
  const seen = new Set<unknown>();
  const queue: unknown[] = [error];
  let fallback: Classified | undefined;
  while (queue.length > 0 && seen.size < 12) {
    const current = queue.shift();
    if (!current || typeof current !== 'object' || seen.has(current)) {
      if (typeof current === 'string' && !fallback) fallback = { class: 'unknown', code: undefined };
      continue;
    }
    seen.add(current);
    if (current instanceof PoisonRecordError) return { class: 'poison', code: 'PoisonRecordError' };
    const e = current as ErrorLike;
    const name = typeof e.name === 'string' ? e.name : undefined;
    if (name === 'EventStoreError' && e.code === 'INVALID_EVENT') return { class: 'poison', code: 'INVALID_EVENT' };
    for (const candidate of [e.originalCode, e.meta?.code, e.code]) {
      if (typeof candidate !== 'string') continue;
      if (candidate === 'P2010') continue; // "raw query failed": the SQLSTATE is in meta or the cause
      const cls = classOfCode(candidate);
      if (cls) return { class: cls, code: candidate };
    }
    if (name && INFRASTRUCTURE_NAMES.has(name)) return { class: 'infrastructure', code: name };
    if (e.retriable === true) return { class: 'infrastructure', code: name ?? 'retriable' };
    if (typeof e.message === 'string') {
      if (INFRASTRUCTURE_MESSAGES.test(e.message)) return { class: 'infrastructure', code: name };
      if (TIMEOUT_MESSAGES.test(e.message)) fallback ??= { class: 'timeout', code: name };
    }
    if (name === 'TimeoutError' || name === 'AbortError') fallback ??= { class: 'timeout', code: name };
    queue.push(e.cause, e.meta?.driverAdapterError);
  }
  return fallback ?? { class: 'unknown', code: error instanceof Error ? error.name : undefined };
}

/** Poison is the only class that may reach the dead-letter topic on its own. */
export const isTransient = (c: Classified): boolean => c.class !== 'poison';

/** Exponential backoff with full jitter, capped. */
export function backoffMs(attempt: number, baseMs: number, capMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/** Two failures are "the same outcome" when their class, code and message agree (digits, as in ids and positions, aside). */
export function failureSignature(error: unknown, classified: Classified): string {
  const message = error instanceof Error ? error.message : String(error);
  return `${classified.class}:${classified.code ?? ''}:${message.replace(/\d+/g, '#').slice(0, 200)}`;
}
