import type { MessageState } from './message-state.types';
import { assertNever } from './status-event.types';

/** A tenant's patience, in milliseconds. */
export interface StallLimits {
  readonly acceptedToSentMs: number;
  readonly sentToDeliveredMs: number;
}

/** `not-sent`: accepted but Meta never said sent; `not-delivered`: sent but no outcome. */
export type StallReason = 'not-sent' | 'not-delivered';

/**
 * Whether the message has waited longer than the tenant allows for its next
 * step. `nowMs` is passed in so the answer is reproducible and testable.
 * Exactly at the limit is still within it. Any outcome (a delivery receipt,
 * or `failed`) ends the wait. A `sent` without a usable timestamp is timed
 * from `accepted`, which can only be earlier, so it errs toward reporting.
 */
export function findStalled(state: MessageState, nowMs: number, limits: StallLimits): StallReason | undefined {
  const { current, stepTimesMs } = state;
  if (current === undefined) return undefined;
  switch (current) {
    case 'accepted':
      return overdue(stepTimesMs.accepted, nowMs, limits.acceptedToSentMs) ? 'not-sent' : undefined;
    case 'sent':
      return overdue(stepTimesMs.sent ?? stepTimesMs.accepted, nowMs, limits.sentToDeliveredMs) ? 'not-delivered' : undefined;
    case 'delivered':
    case 'read':
    case 'played':
    case 'failed':
      return undefined;
    default:
      return assertNever(current, 'status');
  }
}

function overdue(sinceMs: number | undefined, nowMs: number, limitMs: number): boolean {
  return sinceMs !== undefined && nowMs - sinceMs > limitMs;
}
