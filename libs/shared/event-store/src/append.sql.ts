/**
 * The two statements of an append. Both rely on READ COMMITTED (Postgres's
 * and Prisma's default): the second takes a fresh snapshot after the first
 * has waited for every earlier writer of the same streams to commit.
 */

/**
 * The advisory lock key (two int4s: "whks", 1) every appending transaction
 * holds in shared mode until it ends. `settledPosition()` takes it
 * exclusively to wait out the appends in flight. See the README.
 */
export const APPEND_BARRIER_KEY = '2003331955, 1';

/**
 * Statement 1: join the append barrier, then lock the batch's streams,
 * creating the rows of new ones.
 *
 * - ON CONFLICT DO UPDATE ... WHERE false locks an existing row (Postgres
 *   documents that every conflicting row is locked, updated or not) without
 *   writing a new row version; a concurrent creator of the same stream is
 *   waited for, then locked.
 * - Rows are locked in one global order (the ORDER BY), so two batches that
 *   share streams queue instead of deadlocking.
 * - The barrier comes first (the sort consumes the join before the first row
 *   is inserted), so a writer never waits for the barrier while it holds a
 *   stream lock.
 *
 * Row locks, unlike advisory locks, live in the rows: a batch touching a
 * thousand streams takes no slot of the shared lock table.
 */
export const LOCK_STREAMS_SQL = `
WITH barrier AS MATERIALIZED (SELECT pg_advisory_xact_lock_shared(${APPEND_BARRIER_KEY}))
INSERT INTO event_streams (tenant_id, stream_id)
SELECT k.tenant_id, k.stream_id
FROM barrier, unnest($1::text[], $2::text[]) AS k (tenant_id, stream_id)
ORDER BY k.tenant_id, k.stream_id
ON CONFLICT (tenant_id, stream_id) DO UPDATE SET version = event_streams.version WHERE false`;

/**
 * Statement 2: skip stored keys, number the rest after each stream's version,
 * check expectations, insert, and move the versions, in one round trip.
 *
 * The input holds each (tenant, key) once (the plan removed in-batch
 * repeats). `looked_up` finds, with one index probe per row, every key
 * committed before this statement began: those rows come back as stored, the
 * rest are fresh. ON CONFLICT DO NOTHING remains as the backstop for a key
 * committed since then on a stream this batch does not lock; the caller
 * compares the rows returned with the rows planned (IDEMPOTENCY_KEY_RACE),
 * because a skipped row would leave a hole in its stream.
 *
 * Global positions are drawn in input order (ORDER BY ord feeds the insert).
 */
export const APPEND_SQL = `
WITH input AS (
  SELECT *
  FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::text[], $6::text[], $7::text[])
    WITH ORDINALITY AS i (tenant_id, stream_id, type, schema_version, data, metadata, idempotency_key, ord)
),
looked_up AS (
  SELECT i.*, e.global_position AS stored_global, e.stream_id AS stored_stream, e.stream_position AS stored_position
  FROM input i
  LEFT JOIN events e ON e.tenant_id = i.tenant_id AND e.idempotency_key = i.idempotency_key
),
fresh AS (
  SELECT l.*, s.version AS base_version,
         s.version + row_number() OVER (PARTITION BY l.tenant_id, l.stream_id ORDER BY l.ord) AS stream_position
  FROM looked_up l
  JOIN event_streams s ON s.tenant_id = l.tenant_id AND s.stream_id = l.stream_id
  WHERE l.stored_global IS NULL
),
conflicts AS (
  SELECT DISTINCT x.tenant_id, x.stream_id, x.position AS expected, f.base_version AS actual
  FROM unnest($8::text[], $9::text[], $10::int[]) AS x (tenant_id, stream_id, position)
  JOIN fresh f ON f.tenant_id = x.tenant_id AND f.stream_id = x.stream_id
  WHERE f.base_version <> x.position
),
inserted AS (
  INSERT INTO events (tenant_id, stream_id, stream_position, type, schema_version, data, metadata, idempotency_key)
  SELECT tenant_id, stream_id, stream_position, type, schema_version, data::jsonb, metadata::jsonb, idempotency_key
  FROM fresh
  WHERE NOT EXISTS (SELECT 1 FROM conflicts)
  ORDER BY ord
  ON CONFLICT (tenant_id, idempotency_key) DO NOTHING
  RETURNING tenant_id, idempotency_key, stream_id, stream_position, global_position, recorded_at
),
bumped AS (
  UPDATE event_streams s SET version = b.version
  FROM (SELECT tenant_id, stream_id, max(stream_position) AS version FROM inserted GROUP BY 1, 2) b
  WHERE s.tenant_id = b.tenant_id AND s.stream_id = b.stream_id
)
SELECT 'appended' AS outcome, tenant_id, idempotency_key, stream_id, stream_position, global_position, recorded_at,
       NULL::int AS expected
FROM inserted
UNION ALL
SELECT 'stored', tenant_id, idempotency_key, stored_stream, stored_position, stored_global, NULL, NULL
FROM looked_up WHERE stored_global IS NOT NULL
UNION ALL
SELECT 'conflict', tenant_id, NULL, stream_id, actual, NULL, NULL, expected
FROM conflicts`;

/** One row of APPEND_SQL's result. */
export type AppendRow =
  | (Positions & { outcome: 'appended'; idempotency_key: string; recorded_at: Date })
  | (Positions & { outcome: 'stored'; idempotency_key: string })
  /** stream_position holds the stream's actual position. */
  | (Positions & { outcome: 'conflict'; expected: number });

interface Positions {
  tenant_id: string;
  stream_id: string;
  stream_position: number;
  global_position: bigint;
}
