import { detectAnomalies } from './anomalies';
import { compareText } from './canonical';
import { conversionsOf } from './conversions';
import { acceptedOf, errorsOf, pricingOf, recipientOf, stepTimesOf } from './derived-fields';
import { collectEvidence } from './evidence';
import { advance, impliedSteps } from './forward-rule';
import type { MessageState } from './message-state.types';
import { isConversion, type ConversionEvent, type MessageEvent, type StatusEvent, type TrackedStatus } from './status-event.types';
import { WamidMismatchError } from './status-domain.errors';

/** The state of a message nothing is known about yet. */
export function initialState(): MessageState {
  return project([]);
}

/**
 * The state of one message from any collection of its events. Depends only
 * on the set of distinct (eventId, content) pairs: order and repetition of
 * the input do not matter. Conversions are kept beside the statuses and
 * feed nothing else: the status rule never sees them.
 *
 * @throws WamidMismatchError when the events belong to more than one wamid.
 */
export function project(events: readonly MessageEvent[]): MessageState {
  const wamid = singleWamid(events);
  const statuses = events.filter((event): event is StatusEvent => !isConversion(event));
  const evidence = collectEvidence(statuses);
  const { timeline } = evidence;
  const accepted = acceptedOf(timeline);
  const stepTimesMs = stepTimesOf(timeline);
  return {
    wamid,
    tenantId: accepted?.tenantId,
    internalMessageId: accepted?.internalMessageId,
    phoneNumberId: accepted?.phoneNumberId,
    current: timeline.reduce<TrackedStatus | undefined>((current, event) => advance(current, event.status), undefined),
    impliedSteps: impliedSteps(new Set(timeline.map((event) => event.status))),
    stepTimesMs,
    recipient: recipientOf(timeline),
    template: accepted?.template,
    pricing: pricingOf(timeline),
    errors: errorsOf(timeline),
    anomalies: detectAnomalies(evidence, stepTimesMs),
    timeline,
    conflictingCopies: evidence.conflictingCopies,
    conversions: conversionsOf(events.filter((event): event is ConversionEvent => isConversion(event))),
  };
}

/**
 * One more event. The state carries every distinct event it was built from
 * (timeline, conflicting copies, conversions), so evolving is projecting that set
 * with the new event: `fold(evolve)` equals `project` by construction, not
 * by a second implementation that could drift. The cost, a re-derivation
 * per event, is a few dozen comparisons for the handful of statuses a
 * message gets.
 */
export function evolve(state: MessageState, event: MessageEvent): MessageState {
  return project([...state.timeline, ...state.conflictingCopies, ...state.conversions, event]);
}

function singleWamid(events: readonly MessageEvent[]): string | undefined {
  const wamids = [...new Set(events.map((event) => event.wamid))].sort(compareText);
  if (wamids.length > 1) throw new WamidMismatchError(wamids);
  return wamids[0];
}
