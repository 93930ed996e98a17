export type EventStoreErrorCode =
  /** An input event is malformed: a bug upstream, retrying cannot help. */
  | 'INVALID_EVENT'
  /** A stream moved past the position the caller expected. */
  | 'STREAM_VERSION_CONFLICT'
  /** Another transaction stored the same idempotency key, on another stream, while this one appended. */
  | 'IDEMPOTENCY_KEY_RACE';

/** A coded error; consumers map codes to retry or dead-letter at their edge. */
export class EventStoreError extends Error {
  override readonly name: string = 'EventStoreError';
  constructor(
    readonly code: EventStoreErrorCode,
    message: string,
  ) {
    super(message);
  }

  /** Whether running the same transaction again can succeed. */
  get retryable(): boolean {
    return this.code !== 'INVALID_EVENT';
  }
}

export interface StreamConflict {
  tenantId: string;
  streamId: string;
  expected: number;
  actual: number;
}

/**
 * Roll the transaction back (it holds stream locks, and after
 * IDEMPOTENCY_KEY_RACE part of the batch), then run it again: re-read and
 * decide for STREAM_VERSION_CONFLICT, as-is for IDEMPOTENCY_KEY_RACE (the
 * rerun finds the key stored and reports a duplicate).
 */
export class ConcurrencyError extends EventStoreError {
  override readonly name = 'ConcurrencyError';
  constructor(
    code: 'STREAM_VERSION_CONFLICT' | 'IDEMPOTENCY_KEY_RACE',
    message: string,
    readonly conflicts: readonly StreamConflict[] = [],
  ) {
    super(code, message);
  }
}
