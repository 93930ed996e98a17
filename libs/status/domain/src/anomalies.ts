import type { Evidence } from './evidence';
import { furthestStep, isDeliveryReceipt, STEPS } from './forward-rule';
import type { Anomaly, StepTimes } from './message-state.types';
import { assertNever, type StatusEvent } from './status-event.types';

/**
 * Every anomaly of the evidence, grouped by kind in a fixed order and, within
 * a kind, in timeline or step order: a function of the evidence alone.
 */
export function detectAnomalies(evidence: Evidence, stepTimesMs: StepTimes): Anomaly[] {
  const { timeline } = evidence;
  return [
    ...failedAfterDelivery(timeline),
    ...timeInversions(stepTimesMs),
    ...conflictingDuplicates(evidence),
    ...timeline.flatMap(unknownStatus),
    ...timeline.flatMap(missingTimestamp),
    ...multipleAccepted(timeline),
  ];
}

function failedAfterDelivery(timeline: readonly StatusEvent[]): Anomaly[] {
  const furthest = furthestStep(new Set(timeline.map((event) => event.status)));
  if (furthest === undefined || !isDeliveryReceipt(furthest)) return [];
  return timeline
    .filter((event) => event.status === 'failed')
    .map((event): Anomaly => ({ kind: 'failed-after-delivery', eventId: event.eventId, outcome: furthest }));
}

/**
 * Compared in whole seconds because Meta's clock has no more: our
 * `accepted` at 10.4 s and Meta's `sent` at 10 s are not inverted. Pairs, not
 * neighbours, so that one bad stamp names every step it contradicts.
 */
function timeInversions(times: StepTimes): Anomaly[] {
  const anomalies: Anomaly[] = [];
  STEPS.forEach((lower, index) => {
    for (const higher of STEPS.slice(index + 1)) {
      const lowerAtMs = times[lower];
      const higherAtMs = times[higher];
      if (lowerAtMs === undefined || higherAtMs === undefined) continue;
      if (seconds(lowerAtMs) > seconds(higherAtMs)) {
        anomalies.push({ kind: 'time-inversion', lower, lowerAtMs, higher, higherAtMs });
      }
    }
  });
  return anomalies;
}

function seconds(ms: number): number {
  return Math.floor(ms / 1000);
}

function conflictingDuplicates({ timeline, conflictingCopies }: Evidence): Anomaly[] {
  const extra = new Map<string, number>();
  for (const copy of conflictingCopies) extra.set(copy.eventId, (extra.get(copy.eventId) ?? 0) + 1);
  return timeline.flatMap((event): Anomaly[] => {
    const others = extra.get(event.eventId);
    return others === undefined ? [] : [{ kind: 'conflicting-duplicate', eventId: event.eventId, copies: others + 1 }];
  });
}

function unknownStatus(event: StatusEvent): Anomaly[] {
  return event.status === 'unknown' ? [{ kind: 'unknown-status', eventId: event.eventId, rawStatus: event.rawStatus }] : [];
}

function missingTimestamp(event: StatusEvent): Anomaly[] {
  switch (event.status) {
    case 'accepted':
      return [];
    case 'sent':
    case 'delivered':
    case 'read':
    case 'played':
    case 'failed':
    case 'unknown':
      return event.timestamp === undefined ? [{ kind: 'missing-timestamp', eventId: event.eventId }] : [];
    default:
      return assertNever(event, 'event');
  }
}

function multipleAccepted(timeline: readonly StatusEvent[]): Anomaly[] {
  const eventIds = timeline.filter((event) => event.status === 'accepted').map((event) => event.eventId);
  return eventIds.length > 1 ? [{ kind: 'multiple-accepted', eventIds }] : [];
}
