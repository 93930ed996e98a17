import { randomBytes } from 'node:crypto';

import { StatusTopics } from '@wahooks/events-contract';
import { distinctByIdempotencyKey, provisionTenant, ProvisionedTenant, signLikeMeta, SpawnedApp, testConfig, TopicReader } from '@wahooks/testing';

import { AlertReceiver } from './alert-receiver';
import { envelope } from './management-payloads';

const config = testConfig();
const group = `template-alerts-${randomBytes(4).toString('hex')}`;
const WABA = '7000000001';

async function eventually<T>(fn: () => Promise<T | undefined>, ok: (v: T) => boolean, timeoutMs = 40_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  while (Date.now() < deadline) {
    last = await fn();
    if (last !== undefined && ok(last)) return last;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`not reached in ${timeoutMs} ms; last: ${JSON.stringify(last)?.slice(0, 2000)}`);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function shuffle<T>(items: T[], seed: number): T[] {
  const out = [...items];
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

interface Delivery {
  delivery_id: string;
  kind: string;
  status: string;
  attempts: number;
}

describe('template-monitor alerts: exactly once per fact, signed, delivered through a receiver outage', () => {
  const intake = new SpawnedApp('intake', {});
  let monitor: SpawnedApp;
  const topic = new TopicReader(config.kafka.brokers);
  const secret = `whsec_${randomBytes(16).toString('hex')}`;
  const receiver = new AlertReceiver(secret);
  const rejectReceiver = new AlertReceiver('x'.repeat(20));
  const failReceiver = new AlertReceiver('y'.repeat(20));
  // Listens on 127.0.0.1 like the others, on a port EGRESS_ALLOW does not name: nothing may reach it.
  const trap = new AlertReceiver('z'.repeat(20));
  let tenant: ProvisionedTenant;

  const post = (body: string, t = tenant) =>
    fetch(`${intake.url}/webhooks/whatsapp/${t.id}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': signLikeMeta(body, t.secret) }, body });
  const get = async <T>(path: string, key = tenant.apiKey): Promise<T | undefined> => {
    const res = await fetch(`${monitor.url}${path}`, { headers: { 'x-api-key': key } });
    return res.status === 200 ? ((await res.json()) as T) : undefined;
  };
  const putEndpoint = (t: ProvisionedTenant, url: string, signingSecret?: string) =>
    fetch(`${monitor.url}/admin/tenants/${t.id}/alert-endpoint`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${config.adminApi.token}` },
      body: JSON.stringify({ url, ...(signingSecret ? { signingSecret } : {}) }),
    });

  beforeAll(async () => {
    await Promise.all([receiver, rejectReceiver, failReceiver, trap].map((r) => r.start()));
    rejectReceiver.mode = 'reject';
    failReceiver.mode = 'fail';
    // The local receivers are internal addresses: allowed one by one (address and port), as an operator would.
    const allow = [receiver, rejectReceiver, failReceiver].map((r) => new URL(r.url).host).join(',');
    monitor = new SpawnedApp('template-monitor', {
      CONSUMER_GROUP_ID: group,
      CONSUMER_START_FROM: 'latest',
      ALERT_DELIVERY_TIMEOUT_MS: '800',
      ALERT_RETRY_BASE_MS: '200',
      ALERT_RETRY_MAX_DELAY_MS: '1000',
      ALERT_GIVE_UP_AFTER_MS: '15000',
      ALERT_DISPATCH_INTERVAL_MS: '100',
      EGRESS_ALLOW: allow,
    });
    await topic.start([StatusTopics.alerts]);
    await Promise.all([intake.start(), monitor.start()]);
    tenant = await provisionTenant(intake.adminUrl, config.adminApi.token, 'tma');
  });

  afterAll(async () => {
    await topic.stop();
    await Promise.all([receiver, rejectReceiver, failReceiver, trap].map((r) => r.close()));
    await Promise.all([intake.stop(), monitor.stop()]);
  });

  it('manages the endpoint through the admin API, never showing the secret', async () => {
    expect((await putEndpoint(tenant, receiver.url, 'short')).status).toBe(400);
    expect((await fetch(`${monitor.url}/admin/tenants/${tenant.id}/alert-endpoint`, { method: 'PUT', body: '{}' })).status).toBe(401);
    const res = await putEndpoint(tenant, receiver.url, secret);
    expect(res.status).toBe(200);
    expect(await res.json()).not.toHaveProperty('signingSecret');
    const view = await get<Record<string, unknown>>('/v1/alert-endpoint');
    expect(view).toMatchObject({ tenantId: tenant.id, url: receiver.url });
    expect(JSON.stringify(view)).not.toContain(secret);
  });

  it('pause → reinstate → pause → disable, shuffled and duplicated, while the receiver is down: right state, three alerts, each delivered once', async () => {
    const t0 = Math.floor(Date.now() / 1000) - 12 * 3600;
    const ref = { message_template_id: 9001, message_template_name: 'order_alert', message_template_language: 'en_US' };
    const steps = [
      { time: t0, value: { ...ref, event: 'PAUSED', reason: 'NONE', other_info: { title: 'FIRST_PAUSE', description: 'paused 3h' } } },
      { time: t0 + 3 * 3600, value: { ...ref, event: 'REINSTATED', reason: 'NONE', other_info: { title: 'UNPAUSE', description: 'unpaused' } } },
      { time: t0 + 4 * 3600, value: { ...ref, event: 'PAUSED', reason: 'NONE', other_info: { title: 'SECOND_PAUSE', description: 'paused 6h' } } },
      { time: t0 + 11 * 3600, value: { ...ref, event: 'DISABLED', reason: 'NONE', other_info: { title: 'DISABLED', description: 'third strike' } } },
    ].map((s) => ({ wabaId: WABA, field: 'message_template_status_update', ...s }));
    const bodies = [
      ...steps.map((s) => envelope([s])),
      ...steps.map((s) => envelope([s])),
      envelope([steps[3]!, steps[0]!]), // one POST with two entries, both repeats
    ];

    await receiver.setMode('fail');
    for (const b of shuffle(bodies, 7)) expect((await post(b)).status).toBe(200);

    const view = await eventually(() => get<{ status: string; pauseCount: number; pause: unknown; history: unknown[] }>('/v1/templates/order_alert/en-US'), (v) => v.history.length === 4);
    expect(view).toMatchObject({ status: 'DISABLED', pauseCount: 2, pause: null });
    expect(await get('/v1/templates/order_alert/en_US/can-send')).toMatchObject({ allowed: false, reason: 'DISABLED' });

    // The outage: 503s, then requests that hang past the timeout, then nothing listening.
    await eventually(async () => receiver.requests.length, (n) => n >= 3);
    await receiver.setMode('hang');
    await sleep(2500);
    await receiver.setMode('down');
    await sleep(2500);
    expect(receiver.deliveredCounts().size).toBe(0);
    await receiver.setMode('ok');

    const delivered = await eventually(() => get<{ items: Delivery[] }>('/v1/alert-deliveries'), (d) => d.items.length === 3 && d.items.every((i) => i.status === 'delivered'));
    expect(delivered.items.map((d) => d.kind).sort()).toEqual(['template.disabled', 'template.paused', 'template.paused']);
    await sleep(1500); // anything sent twice would show up now
    const counts = receiver.deliveredCounts();
    expect([...counts.keys()].sort()).toEqual(delivered.items.map((d) => d.delivery_id).sort());
    expect([...counts.values()]).toEqual([1, 1, 1]);
    expect(receiver.requests.every((r) => r.signatureValid)).toBe(true);
    const bodiesByDelivery = new Map(receiver.requests.map((r) => [r.deliveryId, JSON.parse(r.body) as { kind: string; subject: { name: string }; details: { endsAt?: string } }]));
    const pauses = [...bodiesByDelivery.values()].filter((b) => b.kind === 'template.paused').map((b) => b.details.endsAt).sort();
    expect(pauses).toEqual([new Date((t0 + 3 * 3600) * 1000).toISOString(), new Date((t0 + 10 * 3600) * 1000).toISOString()]);

    // Every attempt is logged: failures with their cause, then exactly one success.
    const first = delivered.items[0]!;
    const log = await get<{ log: Array<{ outcome: string; status_code: number | null; error: string | null }> }>(`/v1/alert-deliveries/${first.delivery_id}`);
    expect(log!.log.length).toBeGreaterThan(2);
    expect(log!.log.filter((a) => a.outcome === 'delivered')).toHaveLength(1);
    expect(log!.log.at(-1)?.outcome).toBe('delivered');
    expect(log!.log.slice(0, -1).every((a) => a.outcome === 'retry')).toBe(true);
    const causes = new Set(receiver.requests.filter((r) => r.deliveryId === first.delivery_id).map((r) => r.answered));
    expect(causes.has(503)).toBe(true);
    // The tenant sees categories: the 503s, the hangs (timeout), nothing listening (network).
    const shown = new Set(log!.log.slice(0, -1).map((a) => a.error));
    expect(shown.has('http-5xx')).toBe(true);
    for (const e of shown) expect(['http-5xx', 'timeout', 'network']).toContain(e);
    expect(log!.log.filter((a) => a.error === 'http-5xx').every((a) => a.status_code === 503)).toBe(true);

    // Kafka carries the same three alerts, once each.
    const published = await topic.waitFor((rs) => rs.filter((r) => r.headers['wahooks-tenant-id'] === tenant.id).length >= 3);
    await sleep(1000);
    const mine = distinctByIdempotencyKey(published.filter((r) => r.headers['wahooks-tenant-id'] === tenant.id)).map((r) => JSON.parse(r.value!.toString()) as { kind: string; alertId: string });
    expect(mine.map((a) => a.kind).sort()).toEqual(['template.disabled', 'template.paused', 'template.paused']);
    expect(new Set(mine.map((a) => a.alertId)).size).toBe(3);

    // Meta repeating the whole sequence later raises nothing new.
    for (const b of bodies) await post(b);
    await sleep(3000);
    expect((await get<{ items: unknown[] }>('/v1/alerts'))!.items).toHaveLength(3);
    expect([...receiver.deliveredCounts().values()]).toEqual([1, 1, 1]);
  });

  it('gives up at once on a 4xx, and after the bounded time on endless 5xx, recording every attempt', async () => {
    const rejecting = await provisionTenant(intake.adminUrl, config.adminApi.token, 'tmr');
    const failing = await provisionTenant(intake.adminUrl, config.adminApi.token, 'tmf');
    {
      const created = await putEndpoint(rejecting, rejectReceiver.url);
      expect(((await created.json()) as { signingSecret: string }).signingSecret).toMatch(/^whsec_/);
      expect((await putEndpoint(failing, failReceiver.url, 'y'.repeat(20))).status).toBe(200);
      const body = envelope([{ wabaId: WABA, time: Math.floor(Date.now() / 1000), field: 'message_template_quality_update', value: { previous_quality_score: 'YELLOW', new_quality_score: 'RED', message_template_id: 1, message_template_name: 'x', message_template_language: 'en' } }]);
      await Promise.all([post(body, rejecting), post(body, failing)]);
      const rejected = await eventually(() => get<{ items: Delivery[] }>('/v1/alert-deliveries', rejecting.apiKey), (d) => d.items[0]?.status === 'failed');
      expect(rejected.items[0]).toMatchObject({ kind: 'template.quality_red', attempts: 1 });
      const gaveUp = await eventually(() => get<{ items: Delivery[] }>('/v1/alert-deliveries?status=failed', failing.apiKey), (d) => d.items.length === 1, 40_000);
      const log = await get<{ log: Array<{ outcome: string }> }>(`/v1/alert-deliveries/${gaveUp.items[0]!.delivery_id}`, failing.apiKey);
      expect(log!.log.at(-1)?.outcome).toBe('gave_up');
      expect(log!.log.length).toBe(gaveUp.items[0]!.attempts);
      expect(log!.log.length).toBeGreaterThan(3);
      expect(failReceiver.requests.length).toBe(log!.log.length);
      // What the tenant sees of each failure: a category and the status code.
      const rejectedLog = await get<{ last_error: string; last_status_code: number; log: Array<{ error: string; status_code: number }> }>(`/v1/alert-deliveries/${rejected.items[0]!.delivery_id}`, rejecting.apiKey);
      expect(rejectedLog).toMatchObject({ last_error: 'http-4xx', last_status_code: 400, log: [{ error: 'http-4xx', status_code: 400 }] });
    }
  });

  it('refuses internal targets: address literals when the URL is set, host names that resolve to one when connecting', async () => {
    const inside = await provisionTenant(intake.adminUrl, config.adminApi.token, 'tmi');
    const refusedAtSet = async (url: string, why: RegExp) => {
      const res = await putEndpoint(inside, url, 'z'.repeat(20));
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ code: 'ALERT_URL_NOT_ALLOWED', message: expect.stringMatching(why) });
    };
    // The cloud metadata service, however it is written; a local port EGRESS_ALLOW does not name; credentials; plain http.
    await refusedAtSet('https://169.254.169.254/latest/meta-data/', /link-local/);
    await refusedAtSet('https://[::ffff:169.254.169.254]/latest/meta-data/', /link-local/);
    // (169.254.169.254 as one decimal number: DTO validation already refuses that spelling.)
    expect((await putEndpoint(inside, 'https://2852039166/latest/meta-data/', 'z'.repeat(20))).status).toBe(400);
    await refusedAtSet(`https://127.0.0.1:${new URL(trap.url).port}/alerts`, /loopback/);
    await refusedAtSet('https://user:secret@hooks.example.com/alerts', /user name or password/);
    await refusedAtSet('http://hooks.example.com/alerts', /https/);
    expect(await get('/v1/alert-endpoint', inside.apiKey)).toBeUndefined();

    // A host name is not resolved when set; when the delivery connects, localhost is 127.0.0.1 (or ::1): refused, at once, for good.
    const byName = `https://localhost:${new URL(trap.url).port}/alerts`;
    expect((await putEndpoint(inside, byName, 'z'.repeat(20))).status).toBe(200);
    const body = envelope([{ wabaId: WABA, time: Math.floor(Date.now() / 1000), field: 'message_template_quality_update', value: { previous_quality_score: 'GREEN', new_quality_score: 'RED', message_template_id: 2, message_template_name: 'y', message_template_language: 'en' } }]);
    expect((await post(body, inside)).status).toBe(200);
    const failed = await eventually(() => get<{ items: Array<Delivery & { last_error: string | null; last_status_code: number | null }> }>('/v1/alert-deliveries', inside.apiKey), (d) => d.items[0]?.status === 'failed');
    expect(failed.items[0]).toMatchObject({ attempts: 1, last_error: 'refused-by-egress-policy', last_status_code: null });
    const log = await get<Record<string, unknown> & { log: Array<{ outcome: string; error: string | null; status_code: number | null }> }>(`/v1/alert-deliveries/${failed.items[0]!.delivery_id}`, inside.apiKey);
    expect(log!.log).toEqual([expect.objectContaining({ outcome: 'rejected', error: 'refused-by-egress-policy', status_code: null })]);
    // Only the category: no resolved address, host, port or error text of ours.
    const shown = JSON.stringify([failed, log]);
    for (const internal of ['127.0.0.1', '::1', 'localhost', 'egress refused', 'EGRESS_ALLOW', 'ECONN']) expect(shown).not.toContain(internal);
    expect(trap.connections).toBe(0);
    expect(trap.requests).toHaveLength(0);
    // Our log has the detail.
    await eventually(async () => monitor.output.join(''), (out) => /egress refused: localhost:\d+ -> .*\(loopback\)/.test(out), 5000);
  });
});
