import { EventStoreError } from './event-store.errors';
import { AppendOptions, NewEvent } from './event.types';
import { needsRepair, repairText } from './text-repair';

/** What one append sends to Postgres: each input once, as column arrays for unnest(). */
export interface AppendPlan {
  /** Indexes into the input of the first occurrence of each (tenant, key), in input order. */
  firstSeen: number[];
  /** Later occurrences: input index → index of the first occurrence. */
  repeats: Map<number, number>;
  /** Distinct streams, the rows to lock. */
  streams: { tenantIds: string[]; streamIds: string[] };
  rows: {
    tenantIds: string[];
    streamIds: string[];
    types: string[];
    schemaVersions: number[];
    data: string[];
    metadata: string[];
    idempotencyKeys: string[];
  };
  expected: { tenantIds: string[]; streamIds: string[]; positions: number[] };
}

/**
 * Validates the batch and removes in-batch duplicates before anything reaches
 * the database: Postgres would otherwise need the first-seen rule spelled in
 * SQL, and ON CONFLICT cannot see rows of its own statement.
 */
export function planAppend(events: readonly NewEvent[], options: AppendOptions = {}): AppendPlan {
  const plan: AppendPlan = {
    firstSeen: [],
    repeats: new Map(),
    streams: { tenantIds: [], streamIds: [] },
    rows: { tenantIds: [], streamIds: [], types: [], schemaVersions: [], data: [], metadata: [], idempotencyKeys: [] },
    expected: { tenantIds: [], streamIds: [], positions: [] },
  };
  const byKey = new Map<string, number>();
  const streams = new Set<string>();
  events.forEach((event, index) => {
    validate(event, index);
    const key = pairKey(event.tenantId, event.idempotencyKey);
    const first = byKey.get(key);
    if (first !== undefined) {
      plan.repeats.set(index, first);
      return;
    }
    byKey.set(key, index);
    plan.firstSeen.push(index);
    const { rows } = plan;
    rows.tenantIds.push(event.tenantId);
    rows.streamIds.push(event.streamId);
    rows.types.push(event.type);
    rows.schemaVersions.push(event.schemaVersion);
    const data = storableJson(event.data, index, 'data');
    rows.data.push(data.json);
    const metadata = data.repaired.length > 0 ? { ...event.metadata, repairedText: data.repaired } : (event.metadata ?? {});
    rows.metadata.push(storableJson(metadata, index, 'metadata').json);
    rows.idempotencyKeys.push(event.idempotencyKey);
    const stream = pairKey(event.tenantId, event.streamId);
    if (!streams.has(stream)) {
      streams.add(stream);
      plan.streams.tenantIds.push(event.tenantId);
      plan.streams.streamIds.push(event.streamId);
    }
  });
  for (const e of options.expectedStreamPositions ?? []) {
    if (!streams.has(pairKey(e.tenantId, e.streamId))) {
      const stream = `${e.tenantId}/${e.streamId}`;
      throw new EventStoreError('INVALID_EVENT', `expected position for ${stream}, which this batch does not append to`);
    }
    if (!Number.isInteger(e.position) || e.position < 0) {
      throw new EventStoreError('INVALID_EVENT', `expected position of ${e.tenantId}/${e.streamId} must be an integer >= 0`);
    }
    plan.expected.tenantIds.push(e.tenantId);
    plan.expected.streamIds.push(e.streamId);
    plan.expected.positions.push(e.position);
  }
  return plan;
}

/** A collision-free map key for two strings (NUL cannot occur in Postgres text). */
export const pairKey = (a: string, b: string): string => `${a}\u0000${b}`;

function validate(event: NewEvent, index: number): void {
  for (const field of ['tenantId', 'streamId', 'type', 'idempotencyKey'] as const) {
    const value: unknown = event[field];
    if (typeof value !== 'string' || value.length === 0 || value.includes('\u0000')) {
      throw new EventStoreError('INVALID_EVENT', `event ${index}: ${field} must be a non-empty string without NUL`);
    }
  }
  if (!Number.isInteger(event.schemaVersion) || event.schemaVersion < 1) {
    throw new EventStoreError('INVALID_EVENT', `event ${index}: schemaVersion must be an integer >= 1`);
  }
}

/**
 * The JSON text Postgres will store: text it cannot store (U+0000, lone
 * surrogates) is replaced and its paths returned, so the event is kept and
 * says so (text-repair.ts) instead of failing the whole batch.
 */
function storableJson(value: unknown, index: number, field: string): { json: string; repaired: string[] } {
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch (error) {
    throw new EventStoreError('INVALID_EVENT', `event ${index}: ${field} is not JSON (${(error as Error).message})`);
  }
  if (json === undefined) throw new EventStoreError('INVALID_EVENT', `event ${index}: ${field} is not JSON`);
  if (!needsRepair(json)) return { json, repaired: [] };
  const repaired = repairText(value);
  return { json: JSON.stringify(repaired.value), repaired: repaired.paths };
}
