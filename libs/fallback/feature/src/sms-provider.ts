import { createHmac } from 'node:crypto';

import { describeOutboundFailure, FetchDispatcher } from '@wahooks/egress';

import type { SmsPayload } from './sms-request.repository';

export type SmsSendResult =
  | { ok: true; providerMessageId: string | null }
  /** `retryable: false` (a 4xx the provider will repeat) ends the attempts at once. */
  | { ok: false; retryable: boolean; error: string };

/**
 * What the dispatcher needs from an SMS vendor. Implementations must pass
 * `payload.idempotencyKey` to the vendor as its deduplication key: the
 * dispatcher sends the same key again after a timeout or a crash, and relies
 * on the vendor to send the SMS once.
 */
export interface SmsProvider {
  readonly name: string;
  send(payload: SmsPayload): Promise<SmsSendResult>;
}

export const SMS_PROVIDER = Symbol('SMS_PROVIDER');

export const SIGNATURE_HEADER = 'x-wahooks-signature';
export const TIMESTAMP_HEADER = 'x-wahooks-timestamp';

/** `v1=<hex HMAC-SHA256 of "<timestamp>.<body>">`: the receiver can reject replays by the timestamp. */
export function signSmsRequest(secret: string, timestampS: number, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestampS}.${body}`).digest('hex')}`;
}

/**
 * A generic HTTP provider: POST JSON to one URL with `Idempotency-Key` and
 * an HMAC signature over timestamp and body. 2xx is sent; 408, 425, 429,
 * 5xx, timeouts and network errors are retryable; other 4xx and redirects
 * (not followed) are not. Calls go through the egress agent (`dispatcher`):
 * a URL that resolves to an internal address EGRESS_ALLOW does not name is
 * refused when connecting (`refused-by-egress-policy`, retryable: it is the
 * operator's configuration, and an SMS waiting out its attempts is sent once
 * EGRESS_ALLOW or the URL is fixed and the service restarted).
 */
export class HttpSmsProvider implements SmsProvider {
  readonly name = 'http';

  constructor(
    private readonly options: { url: string; secret: string | undefined; timeoutMs: number; dispatcher: FetchDispatcher },
    private readonly now: () => number = Date.now,
  ) {}

  async send(payload: SmsPayload): Promise<SmsSendResult> {
    const body = JSON.stringify(payload);
    const timestampS = Math.floor(this.now() / 1000);
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'idempotency-key': payload.idempotencyKey,
      [TIMESTAMP_HEADER]: String(timestampS),
    };
    if (this.options.secret) headers[SIGNATURE_HEADER] = signSmsRequest(this.options.secret, timestampS, body);
    let res: Response;
    try {
      res = await fetch(this.options.url, { method: 'POST', headers, body, redirect: 'manual', signal: AbortSignal.timeout(this.options.timeoutMs), dispatcher: this.options.dispatcher });
    } catch (error) {
      const failure = describeOutboundFailure(error);
      const e = error as { message?: string; cause?: { code?: string } };
      const what =
        failure.category === 'timeout' ? `timeout after ${this.options.timeoutMs} ms` : failure.category === 'refused-by-egress-policy' ? failure.category : (e.cause?.code ?? e.message ?? 'network error');
      return { ok: false, retryable: true, error: what };
    }
    const text = await res.text().catch(() => '');
    if (res.ok) return { ok: true, providerMessageId: messageIdOf(text) };
    const retryable = res.status >= 500 || res.status === 408 || res.status === 425 || res.status === 429;
    return { ok: false, retryable, error: `HTTP ${res.status}${text ? `: ${text.slice(0, 200)}` : ''}` };
  }
}

function messageIdOf(text: string): string | null {
  try {
    const v = JSON.parse(text) as { id?: unknown; messageId?: unknown };
    const id = v.messageId ?? v.id;
    return typeof id === 'string' || typeof id === 'number' ? String(id) : null;
  } catch {
    return null;
  }
}
