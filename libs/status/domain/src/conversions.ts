import { canonicalJson, compareOptional, compareText } from './canonical';
import type { ConversionEvent } from './status-event.types';

/**
 * The conversions of a message as a function of the set: one per
 * `eventId`, in (time, eventId) order, undated last. Copies of one id can
 * only differ by a re-stamped time (the key leaves the timestamp out, as
 * for statuses): the earliest time wins, then the smallest content, a
 * minimum, so neither arrival order nor repetition changes the choice.
 */
export function conversionsOf(events: readonly ConversionEvent[]): ConversionEvent[] {
  const byId = new Map<string, { event: ConversionEvent; content: string }>();
  for (const event of events) {
    const content = canonicalJson(event);
    const known = byId.get(event.eventId);
    if (known === undefined || compareOptional(event.atMs, known.event.atMs) < 0 || (event.atMs === known.event.atMs && content < known.content)) {
      byId.set(event.eventId, { event, content });
    }
  }
  return [...byId.values()].map((copy) => copy.event).sort((a, b) => compareOptional(a.atMs, b.atMs) || compareText(a.eventId, b.eventId));
}
