import { signLikeMeta } from '@wahooks/testing';

export interface StatusSpec {
  wamid: string;
  status: string;
  ts: number;
  recipient?: string;
  codes?: number[];
  category?: string;
}

const value = (extra: object) => ({ messaging_product: 'whatsapp', metadata: { display_phone_number: '1', phone_number_id: '1000' }, ...extra });
const wrap = (field: string, v: object) => JSON.stringify({ object: 'whatsapp_business_account', entry: [{ id: '1', changes: [{ field, value: value(v) }] }] });

/** A `messages` webhook with statuses, shaped like Meta's (errors with code, title, error_data). */
export function statusesBody(statuses: StatusSpec[]): string {
  return wrap('messages', {
    statuses: statuses.map((s) => ({
      id: s.wamid,
      status: s.status,
      timestamp: String(s.ts),
      recipient_id: s.recipient ?? '15550001111',
      ...(s.category ? { pricing: { billable: true, pricing_model: 'PMP', type: 'regular', category: s.category } } : {}),
      ...(s.codes ? { errors: s.codes.map((code) => ({ code, title: `error ${code}`, message: `error ${code}`, error_data: { details: `details ${code}` } })) } : {}),
    })),
  });
}

export function preferenceBody(waId: string, preference: 'stop' | 'resume', ts: number): string {
  return wrap('user_preferences', {
    contacts: [{ wa_id: waId, profile: { name: 'x' } }],
    user_preferences: [{ wa_id: waId, detail: `User requested to ${preference} marketing messages`, category: 'marketing_messages', value: preference, timestamp: ts }],
  });
}

export function poster(intakeUrl: string, tenant: { id: string; secret: string }) {
  return async (body: string | Buffer): Promise<void> => {
    const res = await fetch(`${intakeUrl}/webhooks/whatsapp/${tenant.id}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': signLikeMeta(body, tenant.secret) },
      body,
    });
    if (res.status !== 200) throw new Error(`intake answered ${res.status}`);
  };
}

export async function eventually<T>(fn: () => Promise<T | undefined>, ok: (v: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  while (Date.now() < deadline) {
    last = await fn();
    if (last !== undefined && ok(last)) return last;
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`not reached in ${timeoutMs} ms; last: ${JSON.stringify(last)?.slice(0, 2000)}`);
}

export function shuffle<T>(items: T[], seed: number): T[] {
  const out = [...items];
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}
