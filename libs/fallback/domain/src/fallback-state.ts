import type { Decision, FallbackEvent, ObservedStatus, SmsOutcome, SmsReason, StatusObserved } from './fallback-event.types';
import { assertNever } from './fallback-event.types';

export type DeliveredStatus = 'delivered' | 'read' | 'played';

/** What the fallback service knows about one message: a fold of its stream. */
export interface FallbackState {
  readonly wamid: string;
  readonly internalMessageId: string | null;
  /** A phone number when one is known (SMS needs it); otherwise whatever id we saw. */
  readonly recipient: string | null;
  readonly recipientUserId: string | null;
  readonly template: { readonly name: string; readonly language: string } | null;
  readonly acceptedAtMs: number | null;
  readonly marketing: boolean;
  readonly delivered: { readonly status: DeliveredStatus; readonly atMs: number | null } | null;
  readonly failed: { readonly codes: readonly number[]; readonly atMs: number | null } | null;
  readonly decision: (Decision & { readonly atMs: number }) | null;
  readonly sms: {
    readonly reason: SmsReason;
    readonly to: string;
    readonly requestedAtMs: number;
    readonly outcome: 'pending' | SmsOutcome;
    readonly attempts: number;
    readonly detail: string | null;
  } | null;
  readonly superseded: { readonly byStatus: ObservedStatus; readonly atMs: number } | null;
}

export function initialFallbackState(wamid: string): FallbackState {
  return {
    wamid,
    internalMessageId: null,
    recipient: null,
    recipientUserId: null,
    template: null,
    acceptedAtMs: null,
    marketing: false,
    delivered: null,
    failed: null,
    decision: null,
    sms: null,
    superseded: null,
  };
}

const DELIVERED_RANK: Record<DeliveredStatus, number> = { delivered: 1, read: 2, played: 3 };

/** E.164-ish: what an SMS provider can be given. BSUIDs and group ids are not. */
export function isPhoneNumber(value: string | null | undefined): value is string {
  return typeof value === 'string' && /^\+?[1-9]\d{6,14}$/.test(value);
}

/** A phone number wins over another kind of id, and the first one seen stays. */
function betterRecipient(current: string | null, next: string | null): string | null {
  if (next === null) return current;
  if (current === null) return next;
  return !isPhoneNumber(current) && isPhoneNumber(next) ? next : current;
}

function isDelivered(status: ObservedStatus): status is DeliveredStatus {
  return status === 'delivered' || status === 'read' || status === 'played';
}

/** Folds one event into the state. Facts only accumulate; decisions and outcomes are first-wins. */
export function evolve(state: FallbackState, e: FallbackEvent): FallbackState {
  switch (e.type) {
    case 'accepted':
      return {
        ...state,
        internalMessageId: state.internalMessageId ?? e.internalMessageId,
        recipient: betterRecipient(state.recipient, e.recipient),
        template: state.template ?? e.template,
        acceptedAtMs: state.acceptedAtMs === null ? e.atMs : Math.min(state.acceptedAtMs, e.atMs),
      };
    case 'status': {
      const next = {
        ...state,
        recipient: betterRecipient(state.recipient, e.recipientId),
        recipientUserId: state.recipientUserId ?? e.recipientUserId,
        marketing: state.marketing || e.marketing,
      };
      if (isDelivered(e.status)) {
        const better = !state.delivered || DELIVERED_RANK[e.status] > DELIVERED_RANK[state.delivered.status];
        return better ? { ...next, delivered: { status: e.status, atMs: e.atMs } } : next;
      }
      if (e.status === 'failed' && !state.failed) {
        const codes = e.errors.map((x) => x.code).filter((c): c is number => c !== null);
        return { ...next, failed: { codes, atMs: e.atMs } };
      }
      return next;
    }
    case 'decided':
      return state.decision ? state : { ...state, decision: { ...e.decision, atMs: e.atMs } };
    case 'sms-requested':
      return state.sms ? state : { ...state, sms: { reason: e.reason, to: e.to, requestedAtMs: e.atMs, outcome: 'pending', attempts: 0, detail: null } };
    case 'sms-completed':
      return state.sms && state.sms.outcome === 'pending'
        ? { ...state, sms: { ...state.sms, outcome: e.outcome, attempts: e.attempts, detail: e.detail } }
        : state;
    case 'superseded':
      return state.superseded ? state : { ...state, superseded: { byStatus: e.byStatus, atMs: e.atMs } };
    default:
      return assertNever(e, 'fallback event');
  }
}

/**
 * Whether a status tells the service anything new, that is, whether folding
 * it changes a fact a decision reads (the same as `evolve(state, s)` differing
 * from `state`):
 *
 * - the recipient: the first one, or the first phone number after other ids
 *   (whether an SMS can be sent, and where; whose suppression applies);
 * - the recipient's user id (BSUID), the first one (suppression lookups);
 * - marketing, the first status that says so (the suppression downgrade);
 * - a receipt better than the best one so far (delivered < read < played:
 *   whether a failure is ignored, and the reason that names the receipt;
 *   whether an SMS is superseded or the time-based fallback still waits);
 * - the first failure (its codes pick the policy; its time goes out with
 *   template-required).
 *
 * Anything else (a repeat, an earlier receipt after a later one, a second
 * failure, a `sent` naming a recipient already known) changes nothing and
 * decides nothing: a failure is decided when the first one is folded, and a
 * receipt supersedes an SMS when the first one after the SMS is folded. Such a
 * status need not be stored. Facts only accumulate, so a status that is not
 * news against some state is not news against any later state either.
 */
export function isNews(state: FallbackState, s: StatusObserved): boolean {
  if (betterRecipient(state.recipient, s.recipientId) !== state.recipient) return true;
  if (state.recipientUserId === null && s.recipientUserId !== null) return true;
  if (s.marketing && !state.marketing) return true;
  if (isDelivered(s.status)) return !state.delivered || DELIVERED_RANK[s.status] > DELIVERED_RANK[state.delivered.status];
  return s.status === 'failed' && !state.failed;
}

/** Still waiting for an outcome: accepted, no receipt, no failure, no SMS yet. */
export function awaitingOutcomeSince(state: FallbackState): number | null {
  return state.acceptedAtMs !== null && !state.delivered && !state.failed && !state.sms ? state.acceptedAtMs : null;
}
