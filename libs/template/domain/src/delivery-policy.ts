import { createHmac, timingSafeEqual } from 'node:crypto';

export interface RetryPolicy {
  /** First retry delay; doubles with each attempt. */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** After this long since the alert was raised, stop and record `failed`. */
  readonly giveUpAfterMs: number;
}

/**
 * What one HTTP attempt came to: a status code, or a transport failure.
 * `refused`: the egress policy would not connect to the address the URL
 * resolved to (internal, not allow-listed). `message` is for our logs only.
 */
export type AttemptResult =
  | { readonly kind: 'response'; readonly status: number }
  | { readonly kind: 'timeout' }
  | { readonly kind: 'network'; readonly message: string }
  | { readonly kind: 'refused'; readonly message: string };

export type AttemptOutcome = 'delivered' | 'retry' | 'rejected';

/**
 * 2xx delivered. 5xx, 408, 429, timeouts and connection errors are the
 * receiver's trouble and may pass: retry. Any other 4xx (and a redirect,
 * which is not followed) says the request itself is unwelcome (wrong URL,
 * auth): retrying would not change it. Neither would a target the egress
 * policy refuses.
 */
export function classifyAttempt(result: AttemptResult): AttemptOutcome {
  switch (result.kind) {
    case 'timeout':
    case 'network':
      return 'retry';
    case 'refused':
      return 'rejected';
    case 'response':
      if (result.status >= 200 && result.status < 300) return 'delivered';
      if (result.status >= 500 || result.status === 408 || result.status === 429) return 'retry';
      return 'rejected';
    default: {
      const never: never = result;
      throw new Error(`unhandled attempt result ${JSON.stringify(never)}`);
    }
  }
}

/** What a tenant is shown of a failed attempt, beside its status code: never the error text of our side. */
export type AttemptError = 'network' | 'timeout' | 'refused-by-egress-policy' | `http-${'1' | '3' | '4' | '5'}xx`;

const ATTEMPT_ERRORS: ReadonlySet<string> = new Set(['network', 'timeout', 'refused-by-egress-policy', 'http-1xx', 'http-3xx', 'http-4xx', 'http-5xx']);

const httpClass = (status: number) => `http-${Math.min(5, Math.max(1, Math.floor(status / 100)))}xx` as AttemptError;

/** The category of a failed attempt (null when it delivered). */
export function attemptError(result: AttemptResult): AttemptError | null {
  switch (result.kind) {
    case 'response':
      return result.status >= 200 && result.status < 300 ? null : httpClass(result.status);
    case 'timeout':
      return 'timeout';
    case 'network':
      return 'network';
    case 'refused':
      return 'refused-by-egress-policy';
    default: {
      const never: never = result;
      throw new Error(`unhandled attempt result ${JSON.stringify(never)}`);
    }
  }
}

/**
 * A stored error as a tenant may see it. Rows written before categories
 * hold free text (`HTTP 503`, `timeout after 5000 ms`, a socket error naming
 * an internal address): they are shown as their category.
 */
export function visibleAttemptError(stored: string | null, statusCode: number | null): AttemptError | null {
  if (stored === null) return null;
  if (ATTEMPT_ERRORS.has(stored)) return stored as AttemptError;
  if (statusCode !== null) return httpClass(statusCode);
  return /^timeout/i.test(stored) ? 'timeout' : 'network';
}

/**
 * When to try again after `attempts` failed attempts: exponential backoff
 * with "equal jitter" (half fixed, half random), so a receiver coming back
 * up is not hit by every queued alert at the same instant. `undefined` when
 * the next try would fall past the give-up time: record `failed` instead.
 */
export function nextAttemptDelayMs(policy: RetryPolicy, attempts: number, elapsedMs: number, random: number): number | undefined {
  const exp = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempts - 1));
  const delay = Math.round(exp / 2 + (exp / 2) * Math.min(1, Math.max(0, random)));
  return elapsedMs + delay > policy.giveUpAfterMs ? undefined : delay;
}

export const SIGNATURE_HEADER = 'x-wahooks-signature';
export const DELIVERY_ID_HEADER = 'x-wahooks-delivery-id';

/**
 * `t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">`: the timestamp is
 * inside the MAC, so a captured request cannot be replayed later with a
 * fresh time; receivers reject old timestamps (Stripe's scheme).
 */
export function signAlertBody(body: string, secret: string, unixSeconds: number): string {
  const mac = createHmac('sha256', secret).update(`${unixSeconds}.${body}`).digest('hex');
  return `t=${unixSeconds},v1=${mac}`;
}

/** What a receiver does; used by our tests and documented for tenants. */
export function verifyAlertSignature(body: string, header: string, secret: string, nowSeconds: number, toleranceSeconds = 300): boolean {
  const parts = new Map(header.split(',').map((p) => p.split('=', 2) as [string, string]));
  const t = Number(parts.get('t'));
  const v1 = parts.get('v1') ?? '';
  if (!Number.isInteger(t) || Math.abs(nowSeconds - t) > toleranceSeconds || !/^[0-9a-f]{64}$/.test(v1)) return false;
  const expected = signAlertBody(body, secret, t).split('v1=')[1] ?? '';
  return timingSafeEqual(Buffer.from(expected, 'hex'), Buffer.from(v1, 'hex'));
}
