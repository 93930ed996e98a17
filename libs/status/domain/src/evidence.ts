import { canonicalJson, compareOptional, compareText } from './canonical';
import { CURRENT_PRECEDENCE } from './forward-rule';
import { assertNever, type StatusEvent } from './status-event.types';

/** Every distinct thing we were told about one message, in a canonical form. */
export interface Evidence {
  /** One event per `eventId`, in timeline order. */
  readonly timeline: StatusEvent[];
  /** Other copies of an `eventId` whose content differs from the timeline's, by (eventId, content). */
  readonly conflictingCopies: StatusEvent[];
}

interface Copy {
  readonly event: StatusEvent;
  /** Canonical JSON without `arrivalSeq`: equal exactly when the copies mean the same. */
  readonly content: string;
}

/**
 * Reduces any multiset of events to the same evidence whatever their order:
 * - copies with equal content collapse into one that keeps the smallest
 *   `arrivalSeq` (min is order-free, and it is the first arrival);
 * - of the copies of one `eventId` that differ, the timeline takes the one
 *   with the earliest time (then the smallest content) and the rest are kept
 *   aside, never dropped.
 */
export function collectEvidence(events: readonly StatusEvent[]): Evidence {
  const byId = new Map<string, Map<string, Copy>>();
  for (const event of events) {
    const copies = byId.get(event.eventId) ?? new Map<string, Copy>();
    byId.set(event.eventId, copies);
    const content = contentOf(event);
    const known = copies.get(content);
    if (known === undefined || event.arrivalSeq < known.event.arrivalSeq) copies.set(content, { event, content });
  }
  const timeline: StatusEvent[] = [];
  const conflictingCopies: Copy[] = [];
  for (const copies of byId.values()) {
    const [chosen, ...others] = [...copies.values()].sort(byCopyPreference);
    if (chosen !== undefined) timeline.push(chosen.event);
    conflictingCopies.push(...others);
  }
  conflictingCopies.sort((a, b) => compareText(a.event.eventId, b.event.eventId) || compareText(a.content, b.content));
  return { timeline: timeline.sort(byTimelineOrder), conflictingCopies: conflictingCopies.map((copy) => copy.event) };
}

function contentOf(event: StatusEvent): string {
  // Only arrivalSeq is left out: it says when the copy reached us, not what it says.
  const { arrivalSeq: _arrivalSeq, ...content } = event;
  return canonicalJson(content);
}

function byCopyPreference(a: Copy, b: Copy): number {
  return compareOptional(eventTimeMs(a.event), eventTimeMs(b.event)) || compareText(a.content, b.content);
}

/**
 * (time in whole seconds, status order, exact time, eventId). Whole seconds
 * first because Meta's clock only has seconds: our `accepted` at 10.4 s and
 * Meta's `sent` stamped 10 s belong in chain order, not in clock order.
 * Events without a time go last. eventIds are unique here, so this is total.
 */
export function byTimelineOrder(a: StatusEvent, b: StatusEvent): number {
  return (
    compareOptional(eventTimeSec(a), eventTimeSec(b)) ||
    timelinePosition(a) - timelinePosition(b) ||
    compareOptional(eventTimeMs(a), eventTimeMs(b)) ||
    compareText(a.eventId, b.eventId)
  );
}

/** Epoch milliseconds; Meta's seconds scaled, ours as recorded. */
export function eventTimeMs(event: StatusEvent): number | undefined {
  switch (event.status) {
    case 'accepted':
      return event.atMs;
    case 'sent':
    case 'delivered':
    case 'read':
    case 'played':
    case 'failed':
    case 'unknown':
      return event.timestamp === undefined ? undefined : event.timestamp * 1000;
    default:
      return assertNever(event, 'event');
  }
}

function eventTimeSec(event: StatusEvent): number | undefined {
  const ms = eventTimeMs(event);
  return ms === undefined ? undefined : Math.floor(ms / 1000);
}

function timelinePosition(event: StatusEvent): number {
  return event.status === 'unknown' ? Number.MAX_SAFE_INTEGER : CURRENT_PRECEDENCE[event.status];
}

/** The timeline as it reached us: by each event's first arrival. */
export function inArrivalOrder(events: readonly StatusEvent[]): StatusEvent[] {
  return [...events].sort((a, b) => a.arrivalSeq - b.arrivalSeq || compareText(a.eventId, b.eventId));
}
