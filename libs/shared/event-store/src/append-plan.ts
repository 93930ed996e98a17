import { EventStoreError } from './event-store.errors';
import { AppendOptions, NewEvent } from './event.types';

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
    rows.data.push(toJson(event.data, index, 'data'));
    rows.metadata.push(toJson(event.metadata ?? {}, index, 'metadata'));
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

const ESCAPED_NUL = /(?<!\\)(?:\\\\)*\\u0000/;

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

function toJson(value: unknown, index: number, field: string): string {
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch (error) {
    throw new EventStoreError('INVALID_EVENT', `event ${index}: ${field} is not JSON (${(error as Error).message})`);
  }
  if (json === undefined) throw new EventStoreError('INVALID_EVENT', `event ${index}: ${field} is not JSON`);
  // jsonb refuses the NUL character: fail here with the event's index rather
  // than abort the transaction mid-batch. (An escaped backslash before "u0000"
  // is plain text, hence the even-backslash guard.)
  if (ESCAPED_NUL.test(json)) {
    throw new EventStoreError('INVALID_EVENT', `event ${index}: ${field} contains U+0000, which jsonb cannot store`);
  }
  return json;
}
