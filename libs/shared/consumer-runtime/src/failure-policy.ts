/**
 * How the runtime treats a handler failure.
 *
 * - transient: the infrastructure is unwell (database or broker unreachable,
 *   serialization failure, deadlock). The batch is retried with backoff for as
 *   long as it takes and nothing is committed: sending these to the dead
 *   letter topic would empty the partition into it during an outage.
 * - poison: everything else. Retried a bounded number of times (it may be a
 *   flake), then the batch is split record by record and the records that
 *   still fail go to `<topic>.dlq`; the partition moves on.
 */
export type FailureKind = 'transient' | 'poison';

/** Thrown by handlers for input that can never succeed (invalid payload, unknown tenant…). */
export class PoisonRecordError extends Error {
  override readonly name = 'PoisonRecordError';
}

const TRANSIENT_CODES = new Set([
  // Prisma: cannot reach / timed out / connection closed / pool timeout
  'P1001', 'P1002', 'P1008', 'P1017', 'P2024', 'P2034',
  // Postgres SQLSTATE: connection exceptions, serialization, deadlock, shutdown, too many connections
  '08000', '08003', '08006', '08001', '08004', '40001', '40P01', '57P01', '57P02', '57P03', '53300',
  // Node sockets
  'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN',
]);

/** Looks through wrapped causes for a known transient code. */
export function classifyFailure(error: unknown): FailureKind {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current; depth++) {
    if (current instanceof PoisonRecordError) return 'poison';
    const e = current as { code?: unknown; errno?: unknown; name?: unknown; message?: unknown; cause?: unknown; retriable?: unknown };
    if (typeof e.code === 'string' && TRANSIENT_CODES.has(e.code)) return 'transient';
    if (e.retriable === true) return 'transient';
    if (typeof e.name === 'string' && /^(KafkaJSConnectionError|KafkaJSRequestTimeoutError|DriverAdapterError|PrismaClientInitializationError)$/.test(e.name)) {
      return 'transient';
    }
    if (typeof e.message === 'string' && /(Can't reach database|Connection terminated|connect ECONNREFUSED|Timed out fetching a new connection|the database system is (starting up|shutting down))/i.test(e.message)) {
      return 'transient';
    }
    current = e.cause;
  }
  return 'poison';
}

/** Exponential backoff with full jitter, capped. */
export function backoffMs(attempt: number, baseMs: number, capMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
