/**
 * How an error code is understood. `unclassified` is for codes the table does
 * not know (or a failed status without errors): nothing automatic happens to
 * them, an operator is alerted.
 */
export type ErrorClass =
  | 'permanent-recipient'
  | 'retryable'
  | 'rate-limited'
  | 'template-required'
  | 'opted-out'
  | 'fix-configuration'
  | 'unclassified';

/**
 * What the service does about a failed message.
 * - `sms-fallback`: one SMS through the provider (at most one per message).
 * - `retry`: a retry request for the sending service, with a delay, bounded in count.
 * - `template-required`: tell the sender the 24-hour window is closed.
 * - `suppress-marketing`: put the recipient on the tenant's suppression list.
 * - `alert`: someone must fix configuration (token, template, payment…).
 * - `none`: recorded and counted, nothing else.
 */
export type FallbackAction = 'sms-fallback' | 'retry' | 'template-required' | 'suppress-marketing' | 'alert' | 'none';

export const FALLBACK_ACTIONS: readonly FallbackAction[] = ['sms-fallback', 'retry', 'template-required', 'suppress-marketing', 'alert', 'none'];

export function isFallbackAction(value: string): value is FallbackAction {
  return (FALLBACK_ACTIONS as readonly string[]).includes(value);
}

export interface RetryPolicy {
  /** Delay of the first retry; each further attempt doubles it. */
  readonly baseDelayMs: number;
  readonly maxAttempts: number;
}

/** One row of the policy table: a code, a range of codes, their meaning and what to do. */
export interface PolicyRow {
  readonly codes: readonly (number | readonly [from: number, to: number])[];
  readonly meaning: string;
  readonly errorClass: ErrorClass;
  readonly action: FallbackAction;
  readonly retry?: RetryPolicy;
}

/** A code resolved against the table (and a tenant's overrides). */
export interface ResolvedPolicy {
  readonly code: number | null;
  readonly meaning: string;
  readonly errorClass: ErrorClass;
  readonly action: FallbackAction;
  readonly retry: RetryPolicy | undefined;
  /** True when the tenant's configuration changed the action. */
  readonly overridden: boolean;
  readonly policyVersion: string;
}

/** A tenant's overrides: action by code (`unknown` for codes not in the table). */
export type ActionOverrides = Readonly<Record<string, FallbackAction>>;
