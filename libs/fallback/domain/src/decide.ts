import { primaryPolicy, retryDelayMs } from './error-policy';
import type { ActionOverrides, ResolvedPolicy } from './error-policy.types';
import type { Decision, FallbackEvent, SmsRequested, StatusObserved, SuppressionChanged } from './fallback-event.types';
import { assertNever } from './fallback-event.types';
import { FallbackState, isPhoneNumber } from './fallback-state';

/** Everything a decision depends on besides the message itself; time passed in. */
export interface DecideContext {
  readonly overrides: ActionOverrides;
  /** The recipient is on the tenant's marketing suppression list. */
  readonly suppressed: boolean;
  /** Retry requests already made for the same internal message (earlier wamids). */
  readonly retriesSoFar: number;
  readonly maxRetries: number;
  readonly nowMs: number;
}

/**
 * What to do after a status was folded into `state`. Pure; the caller
 * appends the result with keys derived from the message, so a replay
 * decides nothing twice. A failure is decided once per message; a delivery
 * receipt after the SMS fired supersedes it once.
 */
export function decideOnStatus(state: FallbackState, observed: StatusObserved, ctx: DecideContext): Array<FallbackEvent | SuppressionChanged> {
  const out: Array<FallbackEvent | SuppressionChanged> = [];
  if (observed.status === 'failed' && !state.decision) {
    const decision = decideFailure(state, ctx);
    out.push({ type: 'decided', wamid: state.wamid, decision, atMs: ctx.nowMs });
    if (decision.action === 'sms-fallback' && !state.sms && isPhoneNumber(state.recipient)) {
      out.push({ type: 'sms-requested', wamid: state.wamid, reason: 'undeliverable', to: state.recipient, atMs: ctx.nowMs });
    }
    const user = state.recipient ?? state.recipientUserId;
    if (decision.action === 'suppress-marketing' && user) {
      out.push({ type: 'suppression', user, change: 'stop', source: 'error-131050', atMs: observed.atMs ?? ctx.nowMs });
    }
  }
  if (state.delivered && state.sms && !state.superseded && (observed.status === 'delivered' || observed.status === 'read' || observed.status === 'played')) {
    out.push({ type: 'superseded', wamid: state.wamid, byStatus: observed.status, atMs: ctx.nowMs });
  }
  return out;
}

/** The failure's action, downgraded where sending again would be wrong or pointless. */
export function decideFailure(state: FallbackState, ctx: DecideContext): Decision {
  const p = primaryPolicy(state.failed?.codes ?? [], ctx.overrides);
  const base = { code: p.code, errorClass: p.errorClass, policyVersion: p.policyVersion, retry: null };
  const because = (reason: string): Decision => ({ ...base, action: 'none', reason });
  // A failure reported after a delivery receipt does not undo the delivery.
  if (state.delivered) return because(`already ${state.delivered.status}`);
  switch (p.action) {
    case 'sms-fallback':
      if (state.marketing && ctx.suppressed) return because('recipient stopped marketing messages');
      if (!isPhoneNumber(state.recipient)) return because('no phone number known for the recipient');
      return { ...base, action: 'sms-fallback', reason: reasonOf(p) };
    case 'retry': {
      if (state.marketing && ctx.suppressed) return because('recipient stopped marketing messages');
      const policy = p.retry ?? { baseDelayMs: 30_000, maxAttempts: 1 };
      const maxAttempts = Math.min(policy.maxAttempts, ctx.maxRetries);
      const attempt = ctx.retriesSoFar + 1;
      if (attempt > maxAttempts) return because(`retry budget exhausted (${ctx.retriesSoFar} of ${maxAttempts})`);
      return { ...base, action: 'retry', reason: reasonOf(p), retry: { attempt, maxAttempts, delayMs: retryDelayMs(policy.baseDelayMs, attempt) } };
    }
    case 'template-required':
    case 'suppress-marketing':
    case 'alert':
    case 'none':
      return { ...base, action: p.action, reason: reasonOf(p) };
    default:
      return assertNever(p.action, 'action');
  }
}

function reasonOf(p: ResolvedPolicy): string {
  const code = p.code === null ? 'no error code' : String(p.code);
  return p.overridden ? `${code}: tenant override` : `${code}: ${p.meaning}`;
}

/**
 * Time-based fallback: accepted, and neither delivered nor failed within
 * `afterMs` (exactly at the limit is still within it). 0 disables it.
 */
export function decideUndelivered(state: FallbackState, nowMs: number, afterMs: number): SmsRequested | null {
  if (afterMs <= 0 || state.acceptedAtMs === null || state.delivered || state.failed || state.sms) return null;
  if (nowMs - state.acceptedAtMs <= afterMs || !isPhoneNumber(state.recipient)) return null;
  return { type: 'sms-requested', wamid: state.wamid, reason: 'undelivered-timeout', to: state.recipient, atMs: nowMs };
}
