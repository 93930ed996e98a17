import type { PolicyRow, RetryPolicy } from './error-policy.types';

/**
 * Bump when a row's class, action or retry changes: every decision records
 * the version it was made under, so old decisions stay explainable.
 */
export const POLICY_VERSION = '2026-11-24.1';

const S = 1000;
const MIN = 60 * S;
const H = 60 * MIN;

const backoff = (baseDelayMs: number, maxAttempts: number): RetryPolicy => ({ baseDelayMs, maxAttempts });

/**
 * Every row of the error-code table of the webhook contract (§9), in its
 * order. Defaults are conservative: only 131026 sends an SMS, and only codes
 * the contract marks "Yes"/"later" are retried; tenants override actions per
 * code through FALLBACK_TENANT_OVERRIDES. Specific codes win over ranges
 * (133004 over 133000–133015).
 */
export const POLICY_TABLE: readonly PolicyRow[] = [
  { codes: [0, 190], meaning: 'Auth failure / access token expired', errorClass: 'fix-configuration', action: 'alert' },
  { codes: [3, 10, [200, 299], 131005], meaning: 'Capability or permission not granted or removed', errorClass: 'fix-configuration', action: 'alert' },
  { codes: [1], meaning: 'Invalid request or possible server error', errorClass: 'retryable', action: 'retry', retry: backoff(1 * MIN, 2) },
  { codes: [2], meaning: 'Temporary downtime or overload', errorClass: 'retryable', action: 'retry', retry: backoff(30 * S, 3) },
  { codes: [4, 80007], meaning: 'App / WABA API call rate limit', errorClass: 'rate-limited', action: 'retry', retry: backoff(1 * MIN, 3) },
  { codes: [130429], meaning: 'Cloud API message throughput reached', errorClass: 'rate-limited', action: 'retry', retry: backoff(30 * S, 5) },
  // Resending makes the quality problem worse: a human has to act first.
  { codes: [131048], meaning: 'Spam rate limit hit', errorClass: 'rate-limited', action: 'alert' },
  { codes: [131056], meaning: 'Pair rate limit: too many messages to the same recipient', errorClass: 'rate-limited', action: 'retry', retry: backoff(1 * MIN, 3) },
  { codes: [131064], meaning: 'Messaging limit hit after template-classification violations', errorClass: 'rate-limited', action: 'alert' },
  { codes: [133016], meaning: 'Register/deregister attempts rate-limited', errorClass: 'rate-limited', action: 'alert' },
  { codes: [33], meaning: 'Business phone number deleted', errorClass: 'fix-configuration', action: 'alert' },
  { codes: [100], meaning: 'Invalid or misspelled parameter', errorClass: 'fix-configuration', action: 'alert' },
  { codes: [130403], meaning: 'Business has blocked this user', errorClass: 'permanent-recipient', action: 'none' },
  { codes: [130472], meaning: "User's number is part of a marketing experiment", errorClass: 'permanent-recipient', action: 'none' },
  { codes: [130497], meaning: 'WABA restricted from messaging users in this country', errorClass: 'permanent-recipient', action: 'none' },
  { codes: [131000], meaning: 'Unknown error', errorClass: 'retryable', action: 'retry', retry: backoff(30 * S, 3) },
  { codes: [131008], meaning: 'Required parameter missing', errorClass: 'fix-configuration', action: 'alert' },
  { codes: [131009], meaning: 'Parameter value invalid', errorClass: 'fix-configuration', action: 'alert' },
  { codes: [131016], meaning: 'Service temporarily unavailable', errorClass: 'retryable', action: 'retry', retry: backoff(1 * MIN, 5) },
  { codes: [131021], meaning: 'Sender equals recipient', errorClass: 'permanent-recipient', action: 'none' },
  { codes: [131026], meaning: 'Message undeliverable: not on WhatsApp, ToS not accepted or old client', errorClass: 'permanent-recipient', action: 'sms-fallback' },
  { codes: [131031], meaning: 'Account locked or restricted, or data mismatch', errorClass: 'fix-configuration', action: 'alert' },
  { codes: [131036], meaning: 'Undelivered by TTL (no-storage numbers)', errorClass: 'permanent-recipient', action: 'none' },
  { codes: [131037], meaning: '555 number lacks an approved display name', errorClass: 'fix-configuration', action: 'alert' },
  { codes: [131042], meaning: 'Payment method / billing problem', errorClass: 'fix-configuration', action: 'alert' },
  { codes: [131045], meaning: 'Phone number registration error', errorClass: 'fix-configuration', action: 'alert' },
  { codes: [131047], meaning: 'More than 24 hours since the recipient last replied (re-engagement)', errorClass: 'template-required', action: 'template-required' },
  // Meta: resending within 24 h "will only result in another error".
  { codes: [131049], meaning: 'Per-user marketing limit (healthy ecosystem engagement)', errorClass: 'rate-limited', action: 'retry', retry: backoff(24 * H, 1) },
  { codes: [131050], meaning: 'User stopped marketing messages', errorClass: 'opted-out', action: 'suppress-marketing' },
  { codes: [131051], meaning: 'Unsupported message type', errorClass: 'fix-configuration', action: 'alert' },
  // Inbound-only codes: not expected on an outbound status; recorded if they ever are.
  { codes: [131052], meaning: 'Unable to download media sent by the user (inbound)', errorClass: 'permanent-recipient', action: 'none' },
  { codes: [131053], meaning: 'Media upload error', errorClass: 'fix-configuration', action: 'alert' },
  { codes: [131057], meaning: 'Account in maintenance mode', errorClass: 'retryable', action: 'retry', retry: backoff(10 * MIN, 3) },
  { codes: [131060], meaning: 'Message currently unavailable (inbound, coexistence)', errorClass: 'permanent-recipient', action: 'none' },
  { codes: [131063], meaning: 'Marketing templates disabled on Cloud API for this WABA', errorClass: 'fix-configuration', action: 'alert' },
  { codes: [132000], meaning: 'Template parameter count mismatch', errorClass: 'fix-configuration', action: 'alert' },
  { codes: [132001], meaning: 'Template missing in that language or not approved', errorClass: 'fix-configuration', action: 'alert' },
  { codes: [132005], meaning: 'Translated text too long', errorClass: 'fix-configuration', action: 'alert' },
  { codes: [132007], meaning: 'Template content policy violation', errorClass: 'fix-configuration', action: 'alert' },
  { codes: [132012], meaning: 'Parameter format mismatch', errorClass: 'fix-configuration', action: 'alert' },
  { codes: [132015], meaning: 'Template paused for low quality', errorClass: 'fix-configuration', action: 'alert' },
  { codes: [132016], meaning: 'Template permanently disabled', errorClass: 'fix-configuration', action: 'alert' },
  { codes: [132068], meaning: 'Flow blocked', errorClass: 'fix-configuration', action: 'alert' },
  { codes: [132069], meaning: 'Flow throttled (10 messages per hour)', errorClass: 'rate-limited', action: 'retry', retry: backoff(6 * MIN, 2) },
  { codes: [[133000, 133015]], meaning: 'Phone number registration family', errorClass: 'fix-configuration', action: 'alert' },
  { codes: [133004], meaning: 'Registration temporarily unavailable', errorClass: 'retryable', action: 'retry', retry: backoff(1 * MIN, 3) },
  { codes: [133008, 133009], meaning: 'Too many PIN attempts: wait', errorClass: 'rate-limited', action: 'alert' },
  { codes: [133015], meaning: 'Number recently deleted: retry after 5 minutes', errorClass: 'retryable', action: 'retry', retry: backoff(5 * MIN, 2) },
  { codes: [134011], meaning: 'Payments terms of service pending', errorClass: 'fix-configuration', action: 'alert' },
  { codes: [135000], meaning: 'Unknown error with request parameters', errorClass: 'fix-configuration', action: 'alert' },
  { codes: [368], meaning: 'WABA restricted or disabled for a policy violation', errorClass: 'fix-configuration', action: 'alert' },
  { codes: [470], meaning: 'Legacy On-Premises re-engagement (now 131047)', errorClass: 'template-required', action: 'template-required' },
];

/** What a code outside the table (or a failure without a code) gets. */
export const UNKNOWN_POLICY: PolicyRow = {
  codes: [],
  meaning: 'Code not in the policy table',
  errorClass: 'unclassified',
  action: 'alert',
};

/** Retry parameters when a tenant overrides a non-retry row to `retry`. */
export const DEFAULT_RETRY: RetryPolicy = backoff(30 * S, 3);

/** Longest delay a retry request asks for, whatever the attempt. */
export const MAX_RETRY_DELAY_MS = 24 * H;
