import { readFileSync } from 'node:fs';

import { RawHttpRequest, SpawnedApp, testConfig } from '@wahooks/testing';

import { createTenant, postWebhook, sign, TestTenant, textEnvelope } from './intake-helpers';

const KiB = 1024;
const BUDGET = 1024 * KiB;
const BODY_LIMIT = 512 * KiB;

/** Polls until `check` holds; generous by default, for a loaded 2-core machine. Nothing here asserts speed. */
async function until<T>(read: () => Promise<T>, check: (value: T) => boolean, what: string, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (check(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (last: ${JSON.stringify(value)})`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Resident memory of a process, in bytes (Linux). */
function rssOf(pid: number): number {
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match) throw new Error(`no VmRSS for ${pid}`);
  return Number(match[1]) * 1024;
}

/**
 * The built intake as its own process, with a 1 MiB budget of request-body
 * bytes in flight and a 512 KiB body limit, against clients that declare
 * large bodies and then trickle, stall or vanish (raw sockets: fetch cannot).
 */
describe('intake memory under hostile input', () => {
  const app = new SpawnedApp('intake', {
    INTAKE_MAX_INFLIGHT_BYTES: String(BUDGET),
    INTAKE_BODY_LIMIT_BYTES: String(BODY_LIMIT),
    LOG_LEVEL: 'error',
  });
  let port: number;
  let tenant: TestTenant;
  const sockets: RawHttpRequest[] = [];

  const open = async (path: string, headers: Record<string, string | number>, body?: Buffer | string): Promise<RawHttpRequest> => {
    const req = await RawHttpRequest.open(port, 'POST', path, { 'content-type': 'application/json', ...headers }, body);
    sockets.push(req);
    return req;
  };
  const metric = async (name: string): Promise<number> => {
    const text = await (await fetch(`${app.adminUrl}/metrics`)).text();
    const values = [...text.matchAll(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'gm'))].map((m) => Number(m[1]));
    return values.reduce((a, b) => a + b, 0);
  };
  const signedWebhook = (text: string) => {
    const body = textEnvelope(tenant.wabaId, tenant.phoneNumberId, text);
    return postWebhook(`${app.url}/webhooks/whatsapp/${tenant.id}`, body, { 'x-hub-signature-256': sign(body, tenant.secret) });
  };

  beforeAll(async () => {
    await app.start();
    port = Number(new URL(app.url).port);
    tenant = await createTenant(app.adminUrl, testConfig());
  });

  afterEach(async () => {
    for (const s of sockets.splice(0)) s.destroy();
    await until(() => metric('wahooks_intake_inflight_bytes'), (v) => v === 0, 'the budget to drain');
  });

  afterAll(async () => {
    await app.stop();
  });

  it('fills the budget with slow uploads, answers further POSTs 503 without reading them, and accepts again once they are gone', async () => {
    expect((await signedWebhook('before')).status).toBe(200);
    const refusedBefore = await metric('wahooks_intake_memory_refusals_total');

    // Eight uploads declaring 256 KiB each: four fill the 1 MiB budget, four are refused at once.
    const declared = 256 * KiB;
    const slow = await Promise.all(Array.from({ length: 8 }, () => open(`/webhooks/whatsapp/${tenant.id}`, { 'content-length': declared }, Buffer.alloc(KiB, 0x20))));
    const answered: Array<{ status: number; body: string; connection: string | undefined }> = [];
    for (const s of slow) void s.response.then((r) => answered.push({ status: r.status, body: r.body, connection: r.headers['connection'] }), () => undefined);
    await until(() => metric('wahooks_intake_inflight_bytes'), (v) => v === BUDGET, 'four uploads to fill the budget');
    await until(async () => answered.length, (n) => n === 4, 'four uploads to be refused');
    for (const a of answered) {
      expect(a.status).toBe(503);
      expect(a.connection).toBe('close');
      expect(JSON.parse(a.body)).toMatchObject({ code: 'OVERLOADED', reason: 'memory' });
    }
    // The admitted four trickle on, a byte at a time; they never finish.
    const trickle = setInterval(() => slow.forEach((s) => s.write(' ')), 250);
    try {
      // A further POST is answered although not a byte of its body is sent.
      const unread = await open(`/webhooks/whatsapp/${tenant.id}`, { 'content-length': 1000 });
      const res = await unread.response;
      expect(res.status).toBe(503);
      expect(res.headers['retry-after']).toBe('5');
      expect(res.headers['connection']).toBe('close');
      await unread.closed;
      // A real webhook too, and a chunked body (the Fastify routes count it as it arrives).
      expect((await signedWebhook('while-full')).status).toBe(503);
      const chunked = await open(`/webhooks/whatsapp/${tenant.id}`, { 'transfer-encoding': 'chunked' }, `400\r\n${' '.repeat(1024)}\r\n`);
      expect((await chunked.response).status).toBe(503);
      expect(await metric('wahooks_intake_memory_refusals_total')).toBe(refusedBefore + 7);
      expect(answered).toHaveLength(4);
    } finally {
      clearInterval(trickle);
    }

    for (const s of slow) s.destroy();
    await until(() => metric('wahooks_intake_inflight_bytes'), (v) => v === 0, 'the budget to be released');
    expect((await signedWebhook('after')).status).toBe(200);
  });

  it('answers an unknown tenant 404 at once however large the declared body, without reading it', async () => {
    const path = `/webhooks/whatsapp/nobody-${tenant.id}`;
    const cases: Array<[RawHttpRequest, number]> = [
      [await open(path, { 'content-length': 400 * KiB }, Buffer.alloc(KiB, 0x20)), 404], // the fast path
      [await open(path, { 'transfer-encoding': 'chunked' }, `10\r\n${' '.repeat(16)}\r\n`), 404], // chunked: the Fastify routes
      // Refused from their headers alone before the tenant matters, as documented: unread too.
      [await open(path, { 'content-length': 50 * 1024 * KiB }), 413],
      [await open(path, { 'content-type': 'text/plain', 'content-length': 100 * KiB }), 415],
    ];
    for (const [req, status] of cases) {
      const res = await req.response;
      expect(res.status).toBe(status);
      if (status === 404) {
        expect(JSON.parse(res.body)).toMatchObject({ code: 'UNKNOWN_TENANT' });
        expect(res.headers['connection']).toBe('close');
        await req.closed;
      }
    }
    expect(await metric('wahooks_intake_inflight_bytes')).toBe(0);
  });

  it('keeps its resident memory bounded under 200 concurrent uploads of 500 KiB each', async () => {
    const pid = app.pid!;
    const before = rssOf(pid);
    const refusedBefore = await metric('wahooks_intake_memory_refusals_total');
    const n = 200;
    // Each declares the full 512 KiB, sends 500 KiB and stalls: without the budget the intake would hold ~100 MiB of bodies.
    const body = Buffer.alloc(500 * KiB, 0x20);
    const uploads = await Promise.all(Array.from({ length: n }, () => open(`/webhooks/whatsapp/${tenant.id}`, { 'content-length': BODY_LIMIT }, body)));
    let peak = rssOf(pid);
    const sample = setInterval(() => (peak = Math.max(peak, rssOf(pid))), 50);
    try {
      // At most two fit in 1 MiB; every other upload is refused (whenever its head arrives).
      await until(() => metric('wahooks_intake_memory_refusals_total'), (v) => v - refusedBefore >= n - 2, 'the uploads beyond the budget to be refused');
      expect(await metric('wahooks_intake_inflight_bytes')).toBeLessThanOrEqual(BUDGET);
      await new Promise((r) => setTimeout(r, 1000));
      peak = Math.max(peak, rssOf(pid));
    } finally {
      clearInterval(sample);
    }
    for (const u of uploads) u.destroy();
    await until(() => metric('wahooks_intake_inflight_bytes'), (v) => v === 0, 'the budget to drain');
    // Generous: garbage from refused connections and GC timing, but far below the ~100 MiB the bodies would take.
    expect(peak - before).toBeLessThan(64 * 1024 * KiB);
    expect((await signedWebhook('after-burst')).status).toBe(200);
  });
});
