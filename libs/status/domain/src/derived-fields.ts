import { canonicalJson } from './canonical';
import { eventTimeMs } from './evidence';
import { CURRENT_PRECEDENCE } from './forward-rule';
import type { MessageRecipient, SourcedPricing, StepTimes } from './message-state.types';
import type { AcceptedEvent, MetaStatusEvent, StatusError, StatusEvent, TrackedStatus } from './status-event.types';

/*
 * Each field is a function of the timeline alone, read in timeline order, so
 * "the first one" below always means the same event whatever the arrival order.
 * Unknown statuses feed none of them: we do not know what their fields mean.
 */

export function acceptedOf(timeline: readonly StatusEvent[]): AcceptedEvent | undefined {
  return timeline.find((event): event is AcceptedEvent => event.status === 'accepted');
}

function metaStatuses(timeline: readonly StatusEvent[]): MetaStatusEvent[] {
  return timeline.filter((event): event is MetaStatusEvent => event.status !== 'accepted' && event.status !== 'unknown');
}

export function stepTimesOf(timeline: readonly StatusEvent[]): StepTimes {
  const times: Record<TrackedStatus, number | undefined> = {
    accepted: undefined,
    sent: undefined,
    delivered: undefined,
    read: undefined,
    played: undefined,
    failed: undefined,
  };
  for (const event of timeline) {
    if (event.status === 'unknown') continue;
    const at = eventTimeMs(event);
    const known = times[event.status];
    if (at !== undefined && (known === undefined || at < known)) times[event.status] = at;
  }
  return times;
}

/**
 * Meta puts pricing on any of sent, delivered or read (contract §4): on one
 * of them under PMP from v24, repeated on several under CBP. The furthest
 * status carrying it is Meta's latest word on the charge; among equals the
 * first in the timeline.
 */
export function pricingOf(timeline: readonly StatusEvent[]): SourcedPricing | undefined {
  let best: MetaStatusEvent | undefined;
  for (const event of metaStatuses(timeline)) {
    if (event.pricing === undefined) continue;
    if (best === undefined || CURRENT_PRECEDENCE[event.status] > CURRENT_PRECEDENCE[best.status]) best = event;
  }
  if (best?.pricing === undefined) return undefined;
  return { ...best.pricing, eventId: best.eventId, status: best.status };
}

/** Errors of every `failed`, also one outranked by a receipt: fallback and audit still need them. */
export function errorsOf(timeline: readonly StatusEvent[]): StatusError[] {
  const seen = new Set<string>();
  const errors: StatusError[] = [];
  for (const event of metaStatuses(timeline)) {
    if (event.status !== 'failed') continue;
    for (const error of event.errors) {
      const key = canonicalJson(error);
      if (seen.has(key)) continue;
      seen.add(key);
      errors.push(error);
    }
  }
  return errors;
}

export function recipientOf(timeline: readonly StatusEvent[]): MessageRecipient {
  const statuses = metaStatuses(timeline);
  return {
    to: acceptedOf(timeline)?.recipient,
    id: statuses.find((event) => event.recipient.id !== undefined)?.recipient.id,
    userId: statuses.find((event) => event.recipient.userId !== undefined)?.recipient.userId,
  };
}
