import { AppendRow } from './append.sql';
import { AppendPlan, pairKey } from './append-plan';
import { ConcurrencyError, StreamConflict } from './event-store.errors';
import { AppendedEvent, AppendResult, DuplicateEvent, EventMetadata, NewEvent } from './event.types';

/**
 * Turns the database's answer into the caller's: an error when the append
 * must not stand, otherwise every input event, in input order, as appended
 * or as a duplicate.
 */
export function appendOutcome(events: readonly NewEvent[], plan: AppendPlan, rows: AppendRow[]): AppendResult {
  const conflicts = rows.flatMap((r): StreamConflict[] =>
    r.outcome === 'conflict'
      ? [{ tenantId: r.tenant_id, streamId: r.stream_id, expected: r.expected, actual: r.stream_position }]
      : [],
  );
  if (conflicts.length > 0) {
    const detail = conflicts.map((c) => `${c.tenantId}/${c.streamId} expected at ${c.expected}, is at ${c.actual}`);
    throw new ConcurrencyError('STREAM_VERSION_CONFLICT', `streams moved: ${detail.join('; ')}`, conflicts);
  }
  // Each planned row comes back as appended or stored, unless ON CONFLICT
  // skipped it: then its stream would have a hole, so nothing may commit.
  if (rows.length < plan.firstSeen.length) {
    throw new ConcurrencyError(
      'IDEMPOTENCY_KEY_RACE',
      'an idempotency key of this batch was stored meanwhile by a concurrent transaction, on another stream',
    );
  }
  return collate(events, plan, rows);
}

function collate(events: readonly NewEvent[], plan: AppendPlan, rows: AppendRow[]): AppendResult {
  const byKey = new Map(rows.map((r) => [pairKey(r.tenant_id, 'idempotency_key' in r ? r.idempotency_key : ''), r]));
  const planRowOf = new Map(plan.firstSeen.map((index, planRow) => [index, planRow]));
  const appended: AppendedEvent[] = [];
  const duplicates: DuplicateEvent[] = [];
  events.forEach((event, index) => {
    const { tenantId, idempotencyKey } = event;
    const row = byKey.get(pairKey(tenantId, idempotencyKey));
    if (!row || row.outcome === 'conflict') throw new Error(`event store: no outcome for event ${index}`);
    const stored = {
      streamId: row.stream_id,
      streamPosition: row.stream_position,
      globalPosition: BigInt(row.global_position),
    };
    const planRow = planRowOf.get(index);
    if (planRow === undefined) {
      duplicates.push({ index, reason: 'repeated-in-batch', tenantId, idempotencyKey, ...stored });
    } else if (row.outcome === 'stored') {
      duplicates.push({ index, reason: 'already-stored', tenantId, idempotencyKey, ...stored });
    } else {
      // Hand back what a later read returns (the JSON round trip), not the
      // caller's objects: live processing and a rebuild must see equal data.
      appended.push({
        index,
        tenantId,
        ...stored,
        type: event.type,
        schemaVersion: event.schemaVersion,
        data: JSON.parse(plan.rows.data[planRow] ?? 'null') as unknown,
        metadata: JSON.parse(plan.rows.metadata[planRow] ?? '{}') as EventMetadata,
        idempotencyKey,
        recordedAt: row.recorded_at,
      });
    }
  });
  return { appended, duplicates };
}
