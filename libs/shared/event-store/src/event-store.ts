import { Injectable } from '@nestjs/common';

import { APPEND_SQL, AppendRow, LOCK_STREAMS_SQL } from './append.sql';
import { appendOutcome } from './append-outcome';
import { planAppend } from './append-plan';
import { EventStoreDb, EventStoreTx } from './event-store.tx';
import { AppendOptions, AppendResult, NewEvent, ReadAllOptions, RecordedEvent } from './event.types';
import {
  EventRow,
  GET_CHECKPOINT_SQL,
  MAX_POSITION,
  READ_ALL_OF_TENANT_SQL,
  READ_ALL_SQL,
  READ_STREAM_SQL,
  SAVE_CHECKPOINT_SQL,
  SETTLED_POSITION_SQL,
  toRecorded,
} from './read.sql';

/**
 * The append-only event log. Stateless: every call runs on the transaction
 * it is given, so a consumer appends, applies the new events to its
 * projections, writes its outbox rows and its checkpoint, and commits once.
 */
@Injectable()
export class EventStore {
  /**
   * Appends a batch, skipping events whose idempotency key the tenant already
   * has (stored earlier, or earlier in this batch). New events take the next
   * positions of their streams in input order. Two round trips: lock the
   * streams, then insert (append.sql.ts says why each piece is there).
   *
   * Throws ConcurrencyError (STREAM_VERSION_CONFLICT, IDEMPOTENCY_KEY_RACE)
   * and EventStoreError (INVALID_EVENT); after either, roll `tx` back.
   */
  async appendBatch(tx: EventStoreTx, events: readonly NewEvent[], options: AppendOptions = {}): Promise<AppendResult> {
    const plan = planAppend(events, options);
    if (plan.firstSeen.length === 0) return { appended: [], duplicates: [] };

    await tx.$executeRawUnsafe(LOCK_STREAMS_SQL, plan.streams.tenantIds, plan.streams.streamIds);
    const { rows, expected } = plan;
    const result = await tx.$queryRawUnsafe<AppendRow[]>(
      APPEND_SQL,
      rows.tenantIds,
      rows.streamIds,
      rows.types,
      rows.schemaVersions,
      rows.data,
      rows.metadata,
      rows.idempotencyKeys,
      expected.tenantIds,
      expected.streamIds,
      expected.positions,
    );
    return appendOutcome(events, plan, result);
  }

  /** A stream's events in stream order, optionally after a position. */
  async readStream(
    tx: EventStoreTx,
    tenantId: string,
    streamId: string,
    options: { afterPosition?: number } = {},
  ): Promise<RecordedEvent[]> {
    const rows = await tx.$queryRawUnsafe<EventRow[]>(READ_STREAM_SQL, tenantId, streamId, options.afterPosition ?? 0);
    return rows.map(toRecorded);
  }

  /** A page of the log in global order. While writers run, bound it with `settledPosition`. */
  async readAll(tx: EventStoreTx, options: ReadAllOptions): Promise<RecordedEvent[]> {
    const { afterPosition, limit, tenantId, untilPosition = MAX_POSITION } = options;
    const rows =
      tenantId === undefined
        ? await tx.$queryRawUnsafe<EventRow[]>(READ_ALL_SQL, afterPosition, untilPosition, limit)
        : await tx.$queryRawUnsafe<EventRow[]>(READ_ALL_OF_TENANT_SQL, afterPosition, untilPosition, limit, tenantId);
    return rows.map(toRecorded);
  }

  /**
   * A global position at and below which nothing is still in flight: a read
   * bounded by it (in any later transaction) never misses an event that
   * commits afterwards. It waits for the appends in flight and holds new ones
   * back until its transaction ends, so it runs in a transaction of its own
   * that does nothing else, hence `db` rather than a `tx`. Gives up with
   * Postgres's lock timeout error (55P03) after `timeoutMs` rather than stall
   * the writers longer.
   */
  async settledPosition(db: EventStoreDb, options: { timeoutMs?: number } = {}): Promise<bigint> {
    const timeoutMs = Math.max(1, Math.round(options.timeoutMs ?? 2000));
    const [row] = await db.$transaction(
      async (tx) => await tx.$queryRawUnsafe<Array<{ position: bigint }>>(SETTLED_POSITION_SQL, `${timeoutMs}ms`),
      { timeout: timeoutMs + 5000 },
    );
    return BigInt(row?.position ?? 0);
  }

  /** The last position a projection applied; 0n when it never ran. */
  async getCheckpoint(tx: EventStoreTx, name: string): Promise<bigint> {
    const [row] = await tx.$queryRawUnsafe<Array<{ position: bigint }>>(GET_CHECKPOINT_SQL, name);
    return row ? BigInt(row.position) : 0n;
  }

  /** Write it in the transaction that writes the projection's rows: both commit or neither. */
  async saveCheckpoint(tx: EventStoreTx, name: string, position: bigint): Promise<void> {
    await tx.$executeRawUnsafe(SAVE_CHECKPOINT_SQL, name, position);
  }
}
