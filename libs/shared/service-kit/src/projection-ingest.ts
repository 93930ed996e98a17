import type { BatchControl, ConsumedRecord, RecordBatch } from '@wahooks/consumer-runtime';
import { RawHeaders, Topics } from '@wahooks/events-contract';
import type { AppendedEvent, EventStore, NewEvent } from '@wahooks/event-store';
import type { OutboxMessage, OutboxRelay, OutboxRepository } from '@wahooks/outbox';
import { contentTokens } from '@wahooks/meta-contract';
import type { MetricsService } from '@wahooks/observability';
import type { SqlTransactions, SqlTx } from '@wahooks/prisma';

/** What applying a set of new events produced, inside the transaction. */
export interface Applied {
  /** Published after the commit by the outbox relay. */
  outbox: OutboxMessage[];
  /** Runs after the commit (kick a dispatcher, count, log): never inside the transaction. */
  afterCommit?: () => void;
}

export interface ApplyOptions {
  /** Live processing publishes; a rebuild folds the same events without side effects. */
  publish: boolean;
  /** Decisions that depend on time take it from here, never from the clock. */
  nowMs: number;
}

/**
 * What a consumer service is, as data: the events it keeps from each input
 * topic, and how it applies new events to its projections. The runtime does
 * the rest the same way for every service (ProjectionIngest): decode, append
 * (duplicates skipped by idempotency key), apply only the new events, stage
 * the outbox, commit, then the after-commit effects; and rebuilds fold the
 * store through the same `apply`.
 */
export interface ProjectionSpec {
  /** For logs and metrics. */
  name: string;
  /**
   * The events this service keeps from one record of each input topic.
   * Pure: it throws PoisonRecordError for a record that cannot be read.
   */
  decode: Readonly<Record<string, (record: ConsumedRecord, batch: RecordBatch) => NewEvent[]>>;
  /**
   * Whether a raw record with this content label (the intake's
   * `wahooks-content`, see meta-contract's contentLabel) can hold anything
   * this service keeps; `false` skips the record without parsing it. Must be
   * a superset of what `decode` keeps, and say yes to `?` (unreadable). Raw
   * records without a label are always decoded.
   */
  wantsRaw?(tokens: readonly string[]): boolean;
  /**
   * Of a chunk's decoded events, the ones worth storing, asked in the
   * chunk's transaction just before the append (default: all). A service
   * whose projection folds facts leaves out an event that would change
   * nothing its projection or decisions read, so it is neither stored nor
   * applied. The answer is judged against committed state, which a
   * concurrent writer of the same stream may be about to move, and it must
   * stay right whatever that writer adds: an event left out must be one no
   * later state needs either (facts that only accumulate). A replay asks
   * again, so exactly-once holds for left-out events as for duplicates.
   */
  worthStoring?(tx: SqlTx, events: readonly NewEvent[]): Promise<readonly NewEvent[]>;
  apply(tx: SqlTx, appended: readonly AppendedEvent[], options: ApplyOptions): Promise<Applied>;
}

export interface IngestResult {
  appended: number;
  duplicates: number;
  /** Left out by `worthStoring`: they would have changed nothing. */
  notNeeded: number;
  transactions: number;
}

/**
 * Events per transaction at most. A delivery the intake accepts can carry
 * 20,000 statuses (3 MB); applied in one transaction it would hold its locks
 * and its connection for minutes and time out on a busy database. Each chunk
 * commits on its own, and is idempotent on its own: a crash after chunk 3
 * replays the record, chunks 1–3 are duplicates by key, and the rest apply.
 */
export const MAX_EVENTS_PER_TRANSACTION = 1000;

/** Thrown between chunks when the consumer lost the partition or is stopping: the batch replays elsewhere. */
export class BatchAbandonedError extends Error {
  override readonly name = 'BatchAbandonedError';
}

/**
 * The one way a consumer service applies a batch of records (see
 * ProjectionSpec). The transaction engine is the plain pg pool
 * (SqlTransactions), with its statement, lock and idle timeouts.
 */
export class ProjectionIngest {
  private readonly skipped;
  private readonly notNeeded;

  constructor(
    private readonly spec: ProjectionSpec,
    private readonly sql: SqlTransactions,
    private readonly store: EventStore,
    private readonly outbox: OutboxRepository,
    private readonly relay: OutboxRelay,
    metrics: MetricsService,
    private readonly chunkSize = MAX_EVENTS_PER_TRANSACTION,
  ) {
    this.skipped = metrics.counter('wahooks_ingest_skipped_records_total', 'Raw records skipped unparsed: their content label holds nothing this service keeps', ['projection']);
    this.notNeeded = metrics.counter('wahooks_ingest_not_needed_events_total', 'Decoded events not stored: they would change nothing the projection or its decisions read', ['projection']);
  }

  /** A consumer's batch: decode every record (poison throws before anything is written), then apply in chunks. */
  async ingest(batch: RecordBatch, control: BatchControl): Promise<IngestResult> {
    const decode = this.spec.decode[batch.topic];
    if (!decode) throw new Error(`${this.spec.name} has no decoder for ${batch.topic}`);
    const events: NewEvent[] = [];
    const wants = batch.topic === Topics.webhooksRaw ? this.spec.wantsRaw?.bind(this.spec) : undefined;
    for (const record of batch.records) {
      const tokens = wants ? contentTokens(record.headers[RawHeaders.content]) : undefined;
      if (tokens && !wants?.(tokens)) {
        this.skipped.inc({ projection: this.spec.name });
        continue;
      }
      for (const e of decode(record, batch)) events.push(e);
    }
    return this.appendAndApply(events, control);
  }

  /** Events decided elsewhere (a scanner, an HTTP call) through the same path. */
  async appendAndApply(events: readonly NewEvent[], control?: BatchControl, nowMs = Date.now()): Promise<IngestResult> {
    const result: IngestResult = { appended: 0, duplicates: 0, notNeeded: 0, transactions: 0 };
    for (let i = 0; i < events.length; i += this.chunkSize) {
      if (control && !control.alive()) throw new BatchAbandonedError(`${this.spec.name}: partition moved or consumer stopping after ${i} of ${events.length} events`);
      const chunk = events.slice(i, i + this.chunkSize);
      const { appended, duplicates, notNeeded, applied } = await this.sql.run(async (tx) => {
        const worth = this.spec.worthStoring ? await this.spec.worthStoring(tx, chunk) : chunk;
        const stored = worth.length > 0 ? await this.store.appendBatch(tx, worth) : { appended: [], duplicates: [] };
        const applied = stored.appended.length > 0 ? await this.spec.apply(tx, stored.appended, { publish: true, nowMs }) : { outbox: [] };
        await this.outbox.add(tx, applied.outbox);
        return { appended: stored.appended.length, duplicates: stored.duplicates.length, notNeeded: chunk.length - worth.length, applied };
      });
      result.appended += appended;
      result.duplicates += duplicates;
      result.notNeeded += notNeeded;
      if (notNeeded > 0) this.notNeeded.inc({ projection: this.spec.name }, notNeeded);
      result.transactions += 1;
      if (applied.outbox.length > 0) this.relay.kick();
      applied.afterCommit?.();
      await control?.heartbeat();
    }
    return result;
  }
}

/** Where an event came from: the record's own coordinates (a replayed dead letter's are its retry record's). */
export function sourceOf(record: ConsumedRecord): { topic: string; partition: number; offset: string } {
  return { topic: record.topic, partition: record.partition, offset: record.offset };
}
