/** The reads: SQL and the mapping of rows to RecordedEvent. */
import { APPEND_BARRIER_KEY } from './append.sql';
import { EventMetadata, RecordedEvent } from './event.types';

const COLUMNS = `global_position, tenant_id, stream_id, stream_position, type, schema_version, data, metadata,
  idempotency_key, recorded_at`;

export const READ_STREAM_SQL = `
SELECT ${COLUMNS} FROM events
WHERE tenant_id = $1 AND stream_id = $2 AND stream_position > $3
ORDER BY stream_position`;

/** Every tenant: a range scan of the primary key. $2 is inclusive. */
export const READ_ALL_SQL = `
SELECT ${COLUMNS} FROM events
WHERE global_position > $1 AND global_position <= $2
ORDER BY global_position
LIMIT $3`;

/** One tenant: a range scan of (tenant_id, global_position). */
export const READ_ALL_OF_TENANT_SQL = `
SELECT ${COLUMNS} FROM events
WHERE tenant_id = $4 AND global_position > $1 AND global_position <= $2
ORDER BY global_position
LIMIT $3`;

/** The largest bigint: "no upper bound" without an OR that would blur the plan. */
export const MAX_POSITION = 9223372036854775807n;

/**
 * Waits until no append that may have drawn a global position is still in
 * flight, then reads the highest position drawn so far: every position up to
 * it is now committed or rolled back for good. Appenders hold the barrier in
 * shared mode from before they draw positions until they end.
 *
 * The exclusive request queues new appenders behind it until this
 * transaction ends, so it is bounded by lock_timeout ($1, set for this
 * transaction only) and runs in a transaction of its own. A blocking
 * request rather than a polled pg_try_advisory_xact_lock: under steady load
 * there may never be an instant without an append in flight.
 */
export const SETTLED_POSITION_SQL = `
WITH timeout AS MATERIALIZED (SELECT set_config('lock_timeout', $1::text, true)),
barrier AS MATERIALIZED (SELECT pg_advisory_xact_lock(${APPEND_BARRIER_KEY}) FROM timeout)
SELECT coalesce(pg_sequence_last_value(pg_get_serial_sequence('events', 'global_position')), 0) AS position
FROM barrier`;

export const GET_CHECKPOINT_SQL = `SELECT position FROM projection_checkpoints WHERE name = $1`;

export const SAVE_CHECKPOINT_SQL = `
INSERT INTO projection_checkpoints (name, position, updated_at) VALUES ($1, $2::bigint, now())
ON CONFLICT (name) DO UPDATE SET position = excluded.position, updated_at = excluded.updated_at`;

export interface EventRow {
  global_position: bigint;
  tenant_id: string;
  stream_id: string;
  stream_position: number;
  type: string;
  schema_version: number;
  data: unknown;
  metadata: unknown;
  idempotency_key: string;
  recorded_at: Date;
}

export function toRecorded(row: EventRow): RecordedEvent {
  return {
    globalPosition: BigInt(row.global_position),
    tenantId: row.tenant_id,
    streamId: row.stream_id,
    streamPosition: row.stream_position,
    type: row.type,
    schemaVersion: row.schema_version,
    data: row.data,
    metadata: row.metadata as EventMetadata,
    idempotencyKey: row.idempotency_key,
    recordedAt: row.recorded_at,
  };
}
