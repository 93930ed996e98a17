import { createHmac } from 'node:crypto';

/** HMAC-SHA256 over the exact bytes, as Meta signs: written here, independent of the code under test. */
export const signLikeMeta = (body: string | Buffer, secret: string): string => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

export type Attempt = { kind: 'response'; status: number; text: string; bytes: Buffer } | { kind: 'timeout' } | { kind: 'network'; message: string };

export async function attempt(url: string, init: RequestInit, timeoutMs: number): Promise<Attempt> {
  try {
    const res = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
    const bytes = Buffer.from(await res.arrayBuffer());
    return { kind: 'response', status: res.status, text: bytes.toString('utf8'), bytes };
  } catch (error) {
    const e = error as Error & { cause?: { code?: string; message?: string } };
    if (e.name === 'TimeoutError' || e.name === 'AbortError') return { kind: 'timeout' };
    return { kind: 'network', message: e.cause?.code ?? e.cause?.message ?? e.message };
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** GET JSON with a few quick retries on 5xx and network errors (reads during a restart). */
export async function getJson<T>(url: string, headers: Record<string, string>, timeoutMs = 10_000): Promise<{ status: number; body: T | undefined; error?: string }> {
  let last: Attempt = { kind: 'network', message: 'not tried' };
  for (let i = 0; i < 5; i++) {
    last = await attempt(url, { headers }, timeoutMs);
    if (last.kind === 'response' && last.status < 500) {
      let body: T | undefined;
      try {
        body = JSON.parse(last.text) as T;
      } catch {
        body = undefined;
      }
      return { status: last.status, body };
    }
    await sleep(300 * (i + 1));
  }
  return { status: last.kind === 'response' ? last.status : 0, body: undefined, error: last.kind === 'response' ? last.text.slice(0, 200) : last.kind === 'timeout' ? 'timeout' : last.message };
}
