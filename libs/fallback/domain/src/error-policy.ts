import { DEFAULT_RETRY, MAX_RETRY_DELAY_MS, POLICY_TABLE, POLICY_VERSION, UNKNOWN_POLICY } from './error-policy.table';
import type { ActionOverrides, FallbackAction, PolicyRow, ResolvedPolicy } from './error-policy.types';

const exact = new Map<number, PolicyRow>();
const ranges: Array<{ from: number; to: number; row: PolicyRow }> = [];
for (const row of POLICY_TABLE) {
  for (const c of row.codes) {
    if (typeof c === 'number') exact.set(c, row);
    else ranges.push({ from: c[0], to: c[1], row });
  }
}

/** The table row of a code: an exact code wins over a range; undefined when unknown. */
export function policyRowFor(code: number | undefined | null): PolicyRow | undefined {
  if (code === undefined || code === null) return undefined;
  return exact.get(code) ?? ranges.find((r) => code >= r.from && code <= r.to)?.row;
}

/** A code's class and action, after the tenant's overrides (`unknown` overrides codes the table lacks). */
export function resolvePolicy(code: number | undefined | null, overrides: ActionOverrides = {}): ResolvedPolicy {
  const row = policyRowFor(code) ?? UNKNOWN_POLICY;
  const known = row !== UNKNOWN_POLICY;
  const override = code !== undefined && code !== null && known ? overrides[String(code)] : overrides['unknown'];
  const action = override ?? row.action;
  return {
    code: code ?? null,
    meaning: row.meaning,
    errorClass: row.errorClass,
    action,
    retry: action === 'retry' ? (row.retry ?? DEFAULT_RETRY) : undefined,
    overridden: override !== undefined && override !== row.action,
    policyVersion: POLICY_VERSION,
  };
}

/**
 * When a status carries several errors, the action that matters most wins:
 * an opt-out must never be masked by a retry, a closed window by an alert.
 */
const ACTION_PRIORITY: Record<FallbackAction, number> = {
  'suppress-marketing': 6,
  'template-required': 5,
  'sms-fallback': 4,
  retry: 3,
  alert: 2,
  none: 1,
};

export function primaryPolicy(codes: readonly (number | undefined)[], overrides: ActionOverrides = {}): ResolvedPolicy {
  const resolved = (codes.length === 0 ? [undefined] : codes).map((c) => resolvePolicy(c, overrides));
  return resolved.reduce((best, p) => (ACTION_PRIORITY[p.action] > ACTION_PRIORITY[best.action] ? p : best));
}

/** Delay of retry `attempt` (1-based): doubling from the base, capped; deterministic (decisions are replayed). */
export function retryDelayMs(baseDelayMs: number, attempt: number): number {
  return Math.min(MAX_RETRY_DELAY_MS, baseDelayMs * 2 ** Math.max(0, attempt - 1));
}
