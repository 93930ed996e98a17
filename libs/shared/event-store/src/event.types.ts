/** Any value JSON can carry: what `data` and `metadata` hold once stored as jsonb. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue | undefined };

/**
 * Where an event came from and why. Free-form (any JSON object) so each
 * consumer can add what it needs, with the fields every consumer shares typed.
 */
export interface EventMetadata {
  /** The Kafka record the event was derived from. Offsets are strings: they are int64. */
  source?: { topic: string; partition: number; offset: string };
  /** The webhook delivery id intake derived from the exact bytes Meta signed. */
  deliveryId?: string;
  /** Meta's message id, when the event is about one message. */
  wamid?: string;
  fbtraceId?: string;
  correlationId?: string;
  /** The idempotency key of the event that caused this one. */
  causationId?: string;
  /** Paths in `data` where text Postgres cannot store (U+0000, lone surrogates) was replaced by U+FFFD. */
  repairedText?: string[];
  [key: string]: JsonValue | undefined;
}

/** An event to append. */
export interface NewEvent {
  tenantId: string;
  streamId: string;
  type: string;
  /** Version of `data`'s shape for this `type`, so readers can upcast old events. */
  schemaVersion: number;
  /** Must survive JSON.stringify: it is stored as jsonb. */
  data: unknown;
  metadata?: EventMetadata;
  /**
   * Unique per tenant, derived from the input (e.g. delivery id + entry + item
   * index), never random: a replayed input must produce the same key so the
   * append can skip it.
   */
  idempotencyKey: string;
}

/** An event as stored. */
export interface RecordedEvent {
  /** Position in the whole log: increasing in commit order per stream, unique, with gaps. */
  globalPosition: bigint;
  tenantId: string;
  streamId: string;
  /** 1-based and gap-free within (tenant, stream). */
  streamPosition: number;
  type: string;
  schemaVersion: number;
  data: unknown;
  metadata: EventMetadata;
  idempotencyKey: string;
  /** The appending transaction's start time (one value for a whole batch). */
  recordedAt: Date;
}

/** An input event this append stored; `index` is its place in the input array. */
export interface AppendedEvent extends RecordedEvent {
  index: number;
}

/**
 * An input event this append skipped because an event with its idempotency key
 * exists: stored by an earlier append, or earlier in the same batch. The
 * positions are those of the stored event.
 */
export interface DuplicateEvent {
  index: number;
  reason: 'already-stored' | 'repeated-in-batch';
  tenantId: string;
  idempotencyKey: string;
  streamId: string;
  streamPosition: number;
  globalPosition: bigint;
}

export interface AppendResult {
  /** Stored by this call, in input order: the events to apply to projections. */
  appended: AppendedEvent[];
  /** Skipped, in input order. */
  duplicates: DuplicateEvent[];
}

/** "This stream's last position is still `position`" (0: the stream holds no event yet). */
export interface StreamExpectation {
  tenantId: string;
  streamId: string;
  position: number;
}

export interface AppendOptions {
  /**
   * Optimistic concurrency: the append fails with STREAM_VERSION_CONFLICT, and
   * stores nothing, when a listed stream that receives a new event in this
   * batch has moved. A stream whose events in the batch are all duplicates is
   * a replay and is not checked: idempotency comes first.
   */
  expectedStreamPositions?: readonly StreamExpectation[];
}

export interface ReadAllOptions {
  /** Exclusive lower bound; 0n reads from the start. */
  afterPosition: bigint;
  limit: number;
  tenantId?: string;
  /**
   * Inclusive upper bound. Pass `settledPosition()` when writers may be
   * running: see "Reading the whole log while writers run" in the README.
   */
  untilPosition?: bigint;
}
