import type { EventCore } from './monitor-event.types';

const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Meta's order: `entry.time`, then the event id. Arrival order never enters,
 * so any permutation of the same events folds to the same state. Events
 * without a time sort first: they cannot override a dated fact.
 */
export function byMetaTime(a: EventCore, b: EventCore): number {
  const ta = a.atMs ?? Number.NEGATIVE_INFINITY;
  const tb = b.atMs ?? Number.NEGATIVE_INFINITY;
  return ta !== tb ? (ta < tb ? -1 : 1) : compareText(a.eventId, b.eventId);
}

/**
 * One copy per event id, in Meta's order. Ids are content hashes, so copies
 * are identical; should two ever differ, the smaller serialisation wins, so
 * the choice never depends on which arrived first.
 */
export function distinctInOrder<E extends EventCore>(events: readonly E[]): E[] {
  const byId = new Map<string, { event: E; json: string }>();
  for (const event of events) {
    const json = JSON.stringify(event);
    const seen = byId.get(event.eventId);
    if (!seen || json < seen.json) byId.set(event.eventId, { event, json });
  }
  return [...byId.values()].map((v) => v.event).sort(byMetaTime);
}

/** The latest event of a list already in Meta's order, if any matches. */
export function latest<E, S extends E>(ordered: readonly E[], pick: (e: E) => e is S): S | undefined {
  for (let i = ordered.length - 1; i >= 0; i--) {
    const e = ordered[i] as E;
    if (pick(e)) return e;
  }
  return undefined;
}
