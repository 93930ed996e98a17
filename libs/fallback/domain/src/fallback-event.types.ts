import type { ErrorClass, FallbackAction } from './error-policy.types';

/** Meta statuses the fallback service cares about; anything else is `unknown`. */
export type ObservedStatus = 'sent' | 'delivered' | 'read' | 'played' | 'failed' | 'unknown';

/** A send our side recorded (accepted topic): the recipient and template for a time-based fallback. */
export interface AcceptedObserved {
  readonly type: 'accepted';
  readonly wamid: string;
  readonly internalMessageId: string;
  readonly recipient: string;
  readonly template: { readonly name: string; readonly language: string } | null;
  readonly atMs: number;
}

/** A Meta status, reduced to what the policies need. */
export interface StatusObserved {
  readonly type: 'status';
  readonly wamid: string;
  readonly status: ObservedStatus;
  /** Meta's timestamp, ms; null when absent. */
  readonly atMs: number | null;
  readonly recipientId: string | null;
  readonly recipientUserId: string | null;
  /** pricing.category or conversation origin said marketing. */
  readonly marketing: boolean;
  readonly errors: ReadonlyArray<{ readonly code: number | null; readonly details: string | null }>;
}

export interface Decision {
  readonly code: number | null;
  readonly errorClass: ErrorClass;
  readonly action: FallbackAction;
  /** Why this action (policy, override, or why it was downgraded). */
  readonly reason: string;
  readonly policyVersion: string;
  readonly retry: { readonly attempt: number; readonly maxAttempts: number; readonly delayMs: number } | null;
}

/** What was decided about a failed message (once per message). */
export interface FailureDecided {
  readonly type: 'decided';
  readonly wamid: string;
  readonly decision: Decision;
  readonly atMs: number;
}

export type SmsReason = 'undeliverable' | 'undelivered-timeout';

/** The SMS fallback fired (once per message, whatever triggered it). */
export interface SmsRequested {
  readonly type: 'sms-requested';
  readonly wamid: string;
  readonly reason: SmsReason;
  readonly to: string;
  readonly atMs: number;
}

export type SmsOutcome = 'sent' | 'failed' | 'cancelled';

/** What became of the SMS (once per message). */
export interface SmsCompleted {
  readonly type: 'sms-completed';
  readonly wamid: string;
  readonly outcome: SmsOutcome;
  readonly attempts: number;
  readonly detail: string | null;
  readonly atMs: number;
}

/** A delivery receipt arrived after the fallback fired: the customer may get both. */
export interface Superseded {
  readonly type: 'superseded';
  readonly wamid: string;
  readonly byStatus: ObservedStatus;
  readonly atMs: number;
}

/** Every event of a `fallback:<wamid>` stream. */
export type FallbackEvent = AcceptedObserved | StatusObserved | FailureDecided | SmsRequested | SmsCompleted | Superseded;

/** A change to a user's marketing preference (`suppression:<user>` stream). */
export interface SuppressionChanged {
  readonly type: 'suppression';
  readonly user: string;
  readonly change: 'stop' | 'resume';
  readonly source: 'user_preferences' | 'error-131050';
  /** When it happened by Meta's clock (ms), so reordered webhooks settle on the latest. */
  readonly atMs: number;
}

export function assertNever(value: never, what: string): never {
  throw new Error(`unexpected ${what}: ${JSON.stringify(value)}`);
}
