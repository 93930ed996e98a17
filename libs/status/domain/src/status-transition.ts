import type { MessageState } from './message-state.types';
import type { TrackedStatus } from './status-event.types';

export interface StatusTransition {
  readonly changed: boolean;
  readonly from: TrackedStatus | undefined;
  readonly to: TrackedStatus | undefined;
}

/**
 * Whether folding an event moved the current status, i.e. whether the
 * projector has a status change to publish. A duplicate cannot move it (the
 * state is a function of the distinct events), and neither can evidence
 * that only fills in the timeline: a late `sent` after `read`, a second
 * participant's `read`, an anomaly. Those are stored, not announced.
 */
export function decideTransition(prev: MessageState, next: MessageState): StatusTransition {
  return { changed: prev.current !== next.current, from: prev.current, to: next.current };
}
