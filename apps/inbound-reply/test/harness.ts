import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';

import { provisionTenant, ProvisionedTenant, signLikeMeta, SpawnedApp } from '@wahooks/testing';

export const WABA = '880000000000001';
export const PHONE = '770000000000001';
export const nowSec = (): number => Math.floor(Date.now() / 1000);
export const wamid = (tag: string): string => `wamid.${tag}-${randomBytes(5).toString('hex')}`;

export async function eventually<T>(fn: () => Promise<T | undefined>, ok: (v: T) => boolean = () => true, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  while (Date.now() < deadline) {
    last = await fn();
    if (last !== undefined && ok(last)) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`not reached in ${timeoutMs} ms; last: ${JSON.stringify(last)?.slice(0, 2000)}`);
}

/** A `messages` webhook as Meta sends it, for one business number. */
export function inbound(messages: object[], contacts?: object[], extra: object = {}, phone = PHONE): string {
  const value = { messaging_product: 'whatsapp', metadata: { display_phone_number: '15550001111', phone_number_id: phone }, ...(contacts ? { contacts } : {}), messages, ...extra };
  return JSON.stringify({ object: 'whatsapp_business_account', entry: [{ id: WABA, changes: [{ field: 'messages', value }] }] });
}

export const text = (id: string, from: string, ts: number, extra: object = {}) => ({ from, id, timestamp: String(ts), type: 'text', text: { body: `hello ${id}` }, ...extra });
export const image = (id: string, from: string, ts: number, mediaId: string) => ({ from, id, timestamp: String(ts), type: 'image', image: { id: mediaId, mime_type: 'image/jpeg', sha256: 'x' } });
export const contact = (waId: string, name = 'Ann') => ({ profile: { name }, wa_id: waId });

/** HTTP helpers bound to the two apps. */
export class Client {
  constructor(
    private readonly intake: SpawnedApp,
    private readonly app: SpawnedApp,
  ) {}

  post(tenant: ProvisionedTenant, body: string | Buffer): Promise<Response> {
    return fetch(`${this.intake.url}/webhooks/whatsapp/${tenant.id}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': signLikeMeta(body, tenant.secret) }, body });
  }

  async get<T>(tenant: ProvisionedTenant | string, path: string): Promise<{ status: number; body: T }> {
    const key = typeof tenant === 'string' ? tenant : tenant.apiKey;
    const res = await fetch(`${this.app.url}${path}`, { headers: key ? { 'x-api-key': key } : {} });
    return { status: res.status, body: (res.headers.get('content-type')?.includes('json') ? await res.json() : Buffer.from(await res.arrayBuffer())) as T };
  }

  /** Resolves once the read API answers 200 (and `ok` holds). */
  found<T>(tenant: ProvisionedTenant, path: string, ok: (v: T) => boolean = () => true, timeoutMs = 30_000): Promise<T> {
    return eventually(async () => {
      const r = await this.get<T>(tenant, path);
      return r.status === 200 ? r.body : undefined;
    }, ok, timeoutMs);
  }
}

export async function tenants(adminUrl: string, token: string, n: number): Promise<ProvisionedTenant[]> {
  const out: ProvisionedTenant[] = [];
  for (let i = 0; i < n; i++) out.push(await provisionTenant(adminUrl, token, 'in'));
  return out;
}

/** A process's resident memory now and its peak (since start or the last reset), from /proc (Linux). */
export function memoryOf(pid: number): { rssKiB: number; peakKiB: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rssKiB: kib('VmRSS'), peakKiB: kib('VmHWM') };
}

/** Starts the peak (VmHWM) over from the current resident memory (Linux 4.0+). */
export function resetPeakMemory(pid: number): void {
  writeFileSync(`/proc/${pid}/clear_refs`, '5');
}
