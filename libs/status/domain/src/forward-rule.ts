import { assertNever, type StatusEvent, type TrackedStatus } from './status-event.types';

/** The delivery chain. Each step is evidence of every step before it. */
export const STEPS = ['accepted', 'sent', 'delivered', 'read', 'played'] as const;
export type Step = (typeof STEPS)[number];

/** Position on the chain; `played` (voice messages) comes after `read`. */
export const STEP_RANK: Readonly<Record<Step, number>> = { accepted: 0, sent: 1, delivered: 2, read: 3, played: 4 };

/**
 * Which status wins when deciding the current one: a total order, and the
 * current status is simply the maximum over every distinct event seen.
 *
 * `failed` sits between `sent` and `delivered`:
 * - above `sent`: `sent` only says Meta took the message for delivery, and
 *   `failed` is the outcome of that attempt (sent → failed is the normal path
 *   of e.g. 131026 or 131049), so no late `sent` can undo a failure;
 * - below `delivered`: a delivery receipt comes from the recipient's device and
 *   is the stronger evidence; a `failed` next to it is recorded as an anomaly
 *   rather than believed, because acting on it (SMS fallback, retry) would
 *   send the customer a second copy of a message they already have.
 */
export const CURRENT_PRECEDENCE: Readonly<Record<TrackedStatus, number>> = {
  accepted: 0,
  sent: 1,
  failed: 2,
  delivered: 3,
  read: 4,
  played: 5,
};

/**
 * The forward-only rule: the current status once `incoming` is also known.
 * A max over a total order, hence commutative, associative and idempotent;
 * folding any permutation or duplication of events gives the same result.
 * Unknown statuses never move the status: we cannot know where they belong.
 */
export function advance(current: TrackedStatus | undefined, incoming: StatusEvent['status']): TrackedStatus | undefined {
  switch (incoming) {
    case 'unknown':
      return current;
    case 'accepted':
    case 'sent':
    case 'delivered':
    case 'read':
    case 'played':
    case 'failed':
      return current === undefined || CURRENT_PRECEDENCE[incoming] > CURRENT_PRECEDENCE[current] ? incoming : current;
    default:
      return assertNever(incoming, 'status');
  }
}

export function isStep(status: StatusEvent['status']): status is Step {
  switch (status) {
    case 'accepted':
    case 'sent':
    case 'delivered':
    case 'read':
    case 'played':
      return true;
    case 'failed':
    case 'unknown':
      return false;
    default:
      return assertNever(status, 'status');
  }
}

/** The furthest chain step with evidence of its own, if any. */
export function furthestStep(seen: ReadonlySet<StatusEvent['status']>): Step | undefined {
  return [...STEPS].reverse().find((step) => seen.has(step));
}

/**
 * Steps below the furthest one that have no event of their own, e.g.
 * `delivered` when `read` arrived without it (Meta skips `delivered` then,
 * contract §4). Kept explicit instead of inventing events or times for them.
 */
export function impliedSteps(seen: ReadonlySet<StatusEvent['status']>): Step[] {
  const furthest = furthestStep(seen);
  if (furthest === undefined) return [];
  return STEPS.filter((step) => STEP_RANK[step] < STEP_RANK[furthest] && !seen.has(step));
}

/** Delivery receipts: the evidence that outranks a `failed`. */
export function isDeliveryReceipt(step: Step): step is 'delivered' | 'read' | 'played' {
  return STEP_RANK[step] >= STEP_RANK.delivered;
}
