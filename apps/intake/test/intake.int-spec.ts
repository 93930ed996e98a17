import type { NestFastifyApplication } from '@nestjs/platform-fastify';

import { RawHeaders, Topics } from '@wahooks/events-contract';
import { loadFixtures, testConfig, TestConfig, TopicReader } from '@wahooks/testing';

import { createTenant, postWebhook, sign, startIntake, TestTenant, textEnvelope } from './intake-helpers';

describe('intake against the real broker and database', () => {
  let config: TestConfig;
  let app: NestFastifyApplication;
  let url: string;
  let adminUrl: string;
  let reader: TopicReader;
  let tenant: TestTenant;

  beforeAll(async () => {
    // The acknowledgement timeout is tested in intake-faults; here 4 MiB at once on a loaded machine must not meet it.
    config = testConfig({ INTAKE_BODY_LIMIT_BYTES: String(3 * 1024 * 1024), INTAKE_PUBLISH_TIMEOUT_MS: '10000' });
    ({ app, url, adminUrl } = await startIntake(config));
    reader = new TopicReader(config.kafka.brokers);
    await reader.start([Topics.webhooksRaw, Topics.webhooksUnrouted]);
    tenant = await createTenant(adminUrl, config);
  });

  afterAll(async () => {
    await reader.stop();
    await app.close();
  });

  it('publishes every fixture once, keyed by tenant, byte-identical, with provenance headers', async () => {
    const fixtures = loadFixtures();
    expect(fixtures.length).toBeGreaterThanOrEqual(142);
    const deliveryIds = new Map<string, string>();
    for (const f of fixtures) {
      const res = await postWebhook(`${url}/webhooks/whatsapp/${tenant.id}`, f.body, {
        'x-hub-signature-256': sign(f.body, tenant.secret),
      });
      expect({ fixture: f.name, status: res.status }).toEqual({ fixture: f.name, status: 200 });
      deliveryIds.set(((await res.json()) as { deliveryId: string }).deliveryId, f.name);
    }
    const mine = (r: { key: string | null }) => r.key === tenant.id;
    const records = await reader.waitFor((rs) => rs.filter(mine).length >= fixtures.length);
    const published = records.filter(mine);
    expect(published).toHaveLength(fixtures.length);
    const byName = new Map(fixtures.map((f) => [f.name, f.body]));
    for (const r of published) {
      const name = deliveryIds.get(r.headers[RawHeaders.deliveryId] ?? '');
      expect(name).toBeDefined();
      expect(Buffer.compare(r.value!, byName.get(name!)!)).toBe(0);
      expect(r.headers[RawHeaders.tenantId]).toBe(tenant.id);
      expect(r.headers[RawHeaders.route]).toBe('tenant-url');
      expect(r.headers[RawHeaders.signature]).toBe(sign(byName.get(name!)!, tenant.secret));
      expect(r.headers[RawHeaders.traceparent]).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
      expect(Number.isNaN(Date.parse(r.headers[RawHeaders.receivedAt] ?? ''))).toBe(false);
    }
    // One tenant, one key: every record of the tenant sits on one partition.
    expect(new Set(published.map((r) => r.partition)).size).toBe(1);
  });

  it('accepts JSON with media type parameters', async () => {
    const body = textEnvelope(tenant.wabaId, tenant.phoneNumberId, 'with-charset');
    const res = await fetch(`${url}/webhooks/whatsapp/${tenant.id}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8', 'x-hub-signature-256': sign(body, tenant.secret) },
      body,
    });
    expect(res.status).toBe(200);
  });

  it('verifies escaped-unicode bodies over the raw bytes', async () => {
    const body = Buffer.from(textEnvelope(tenant.wabaId, tenant.phoneNumberId, 'x').replace('"x"', '"\\u00e4\\u00f6\\u00e5"'));
    const ok = await postWebhook(`${url}/webhooks/whatsapp/${tenant.id}`, body, { 'x-hub-signature-256': sign(body, tenant.secret) });
    expect(ok.status).toBe(200);
    const decoded = Buffer.from(JSON.stringify(JSON.parse(body.toString())));
    const mismatch = await postWebhook(`${url}/webhooks/whatsapp/${tenant.id}`, body, {
      'x-hub-signature-256': sign(decoded, tenant.secret),
    });
    expect(mismatch.status).toBe(401);
  });

  it('answers bad input with the documented status and publishes none of it', async () => {
    const body = textEnvelope(tenant.wabaId, tenant.phoneNumberId, 'bad-input');
    const target = `${url}/webhooks/whatsapp/${tenant.id}`;
    const cases: Array<[string, Promise<Response>, number]> = [
      ['missing signature', postWebhook(target, body, {}), 401],
      ['wrong secret', postWebhook(target, body, { 'x-hub-signature-256': sign(body, 'not-the-secret') }), 401],
      ['sha1 only', postWebhook(target, body, { 'x-hub-signature': 'sha1=abc' }), 401],
      ['unknown tenant', postWebhook(`${url}/webhooks/whatsapp/nobody-here`, body, { 'x-hub-signature-256': sign(body, tenant.secret) }), 404],
      ['malformed JSON', postWebhook(target, '{"entry": [', { 'x-hub-signature-256': sign('{"entry": [', tenant.secret) }), 400],
      ['not an envelope', postWebhook(target, '[1,2]', { 'x-hub-signature-256': sign('[1,2]', tenant.secret) }), 400],
      [
        'unsupported content type',
        fetch(target, { method: 'POST', headers: { 'content-type': 'text/plain', 'x-hub-signature-256': sign(body, tenant.secret) }, body }),
        415,
      ],
    ];
    for (const [name, response, status] of cases) expect({ name, status: (await response).status }).toEqual({ name, status });

    const big = Buffer.alloc(3 * 1024 * 1024 + 10, 0x20);
    const tooLarge = await postWebhook(target, big, { 'x-hub-signature-256': sign(big, tenant.secret) });
    expect(tooLarge.status).toBe(413);

    // A control delivery published after the bad ones proves the reader has
    // caught up; none of the bad ones may have reached the topic.
    const control = textEnvelope(tenant.wabaId, tenant.phoneNumberId, 'control-after-bad-input');
    expect((await postWebhook(target, control, { 'x-hub-signature-256': sign(control, tenant.secret) })).status).toBe(200);
    await reader.waitFor((rs) => rs.some((r) => r.value?.toString().includes('control-after-bad-input')));
    expect(reader.records.filter((r) => r.value?.toString().includes('wamid.bad-input'))).toHaveLength(0);
  });

  it('accepts bodies up to the limit, also many large ones at once for one tenant (one partition)', async () => {
    const target = `${url}/webhooks/whatsapp/${tenant.id}`;
    const sized = (marker: string, bytes: number): Buffer => {
      const base = textEnvelope(tenant.wabaId, tenant.phoneNumberId, marker);
      // Pad inside the JSON (whitespace before the final brace) so the body stays a valid envelope.
      return Buffer.concat([Buffer.from(base.slice(0, -1)), Buffer.alloc(bytes - base.length, 0x20), Buffer.from('}')]);
    };
    const atLimit = sized('at-the-limit', 3 * 1024 * 1024);
    expect((await postWebhook(target, atLimit, { 'x-hub-signature-256': sign(atLimit, tenant.secret) })).status).toBe(200);
    const burst = Array.from({ length: 16 }, (_, i) => sized(`burst-256k-${i}`, 256 * 1024));
    const statuses = await Promise.all(burst.map(async (body) => (await postWebhook(target, body, { 'x-hub-signature-256': sign(body, tenant.secret) })).status));
    expect(statuses).toEqual(burst.map(() => 200));
    await reader.waitFor((rs) => rs.filter((r) => r.value?.includes('burst-256k-')).length >= 16);
    const stored = reader.records.find((r) => r.value?.includes('wamid.at-the-limit'));
    expect(stored?.value?.equals(atLimit)).toBe(true);
  });

  it('answers the verification handshake', async () => {
    const q = (token: string, mode = 'subscribe') =>
      `hub.mode=${mode}&hub.verify_token=${encodeURIComponent(token)}&hub.challenge=1158201444`;
    const ok = await fetch(`${url}/webhooks/whatsapp/${tenant.id}?${q(tenant.verifyToken)}`);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await ok.text()).toBe('1158201444');
    expect((await fetch(`${url}/webhooks/whatsapp/${tenant.id}?${q('wrong')}`)).status).toBe(403);
    expect((await fetch(`${url}/webhooks/whatsapp/${tenant.id}?${q(tenant.verifyToken, 'unsubscribe')}`)).status).toBe(403);
    expect((await fetch(`${url}/webhooks/whatsapp/nobody-here?${q('x')}`)).status).toBe(404);
    const platform = await fetch(`${url}/webhooks/whatsapp?${q(config.platform.verifyToken ?? '')}`);
    expect(await platform.text()).toBe('1158201444');
  });

  it('routes a shared platform POST per entry: one record per tenant, unknown WABAs kept aside', async () => {
    const other = await createTenant(adminUrl, config);
    const a = JSON.parse(textEnvelope(tenant.wabaId, tenant.phoneNumberId, 'for-a')).entry[0];
    // Routed by phone number id when the WABA is not registered.
    const b = JSON.parse(textEnvelope('1', other.phoneNumberId, 'for-b')).entry[0];
    const stray = JSON.parse(textEnvelope('777000111', '777000222', 'for-nobody')).entry[0];
    const body = JSON.stringify({ object: 'whatsapp_business_account', entry: [a, b, stray] });
    const secret = config.platform.appSecrets[0]!;
    const res = await postWebhook(`${url}/webhooks/whatsapp`, body, { 'x-hub-signature-256': sign(body, secret) });
    expect(res.status).toBe(200);
    const has = (r: { value: Buffer | null }, marker: string) => r.value?.toString().includes(`wamid.${marker}`) ?? false;
    const fresh = await reader.waitFor((rs) => ['for-a', 'for-b', 'for-nobody'].every((m) => rs.some((r) => has(r, m))));
    const forA = fresh.find((r) => r.key === tenant.id && has(r, 'for-a'))!;
    const forB = fresh.find((r) => r.key === other.id && has(r, 'for-b'))!;
    expect(fresh.filter((r) => has(r, 'for-a') || has(r, 'for-b'))).toHaveLength(2);
    expect(JSON.parse(forA.value!.toString()).entry).toEqual([a]);
    expect(JSON.parse(forB.value!.toString()).entry).toEqual([b]);
    expect(forA.headers[RawHeaders.originalBody]).toBe(body);
    expect(forA.headers[RawHeaders.deliveryId]).not.toBe(forB.headers[RawHeaders.deliveryId]);
    expect(fresh.find((r) => r.topic === Topics.webhooksUnrouted)?.value?.toString()).toContain('for-nobody');

    const single = textEnvelope(tenant.wabaId, tenant.phoneNumberId, 'only-a');
    const singleRes = await postWebhook(`${url}/webhooks/whatsapp`, single, { 'x-hub-signature-256': sign(single, secret) });
    expect(await singleRes.text()).toContain('accepted');
    const whole = (await reader.waitFor((rs) => rs.some((r) => has(r, 'only-a')))).find((r) => has(r, 'only-a'));
    expect(whole?.value?.toString()).toBe(single);

    // A delivery no tenant owns yet: Meta gets its 200 (a 4xx would make it drop the delivery for good),
    // and the signed body, as sent, waits on the unrouted topic for `npm run unrouted:replay`.
    const nobody = textEnvelope('777000111', '777000222', 'only-nobody');
    const unknown = await postWebhook(`${url}/webhooks/whatsapp`, nobody, { 'x-hub-signature-256': sign(nobody, secret) });
    expect(unknown.status).toBe(200);
    const kept = (await reader.waitFor((rs) => rs.some((r) => has(r, 'only-nobody')))).filter((r) => has(r, 'only-nobody'));
    expect(kept.map((r) => [r.topic, r.key, r.value?.toString()])).toEqual([[Topics.webhooksUnrouted, '777000111', nobody]]);
    const wrong = await postWebhook(`${url}/webhooks/whatsapp`, single, { 'x-hub-signature-256': sign(single, tenant.secret) });
    expect(wrong.status).toBe(401);
  });

  it('accepts either secret during a rotation and picks up tenant changes without a restart', async () => {
    const admin = { 'content-type': 'application/json', authorization: `Bearer ${config.adminApi.token}` };
    const newSecret = 'rotated-secret-0123456789abcdef';
    const added = await fetch(`${adminUrl}/admin/tenants/${tenant.id}/app-secrets`, { method: 'POST', headers: admin, body: JSON.stringify({ secret: newSecret }) });
    expect(added.status).toBe(201);
    const third = await fetch(`${adminUrl}/admin/tenants/${tenant.id}/app-secrets`, { method: 'POST', headers: admin, body: JSON.stringify({ secret: 'a-third-secret-0123456789' }) });
    expect(third.status).toBe(409);
    const body = textEnvelope(tenant.wabaId, tenant.phoneNumberId, 'rotation');
    const target = `${url}/webhooks/whatsapp/${tenant.id}`;
    // The directory reloads on its TTL; wait for it rather than poking internals.
    const deadline = Date.now() + config.tenantDirectory.cacheTtlMs + 3000;
    let status = 0;
    while (Date.now() < deadline && status !== 200) {
      status = (await postWebhook(target, body, { 'x-hub-signature-256': sign(body, newSecret) })).status;
      if (status !== 200) await new Promise((r) => setTimeout(r, 200));
    }
    expect(status).toBe(200);
    expect((await postWebhook(target, body, { 'x-hub-signature-256': sign(body, tenant.secret) })).status).toBe(200);
  });

  it('protects the admin API', async () => {
    expect((await fetch(`${adminUrl}/admin/tenants`)).status).toBe(401);
    expect((await fetch(`${adminUrl}/admin/tenants`, { headers: { authorization: 'Bearer wrong-token-wrong-token' } })).status).toBe(401);
    const bad = await fetch(`${adminUrl}/admin/tenants`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${config.adminApi.token}` },
      body: JSON.stringify({ id: 'Bad Id!', verifyToken: 'x', appSecrets: [] }),
    });
    expect(bad.status).toBe(400);
    const listed = await fetch(`${adminUrl}/admin/tenants/${tenant.id}`, { headers: { authorization: `Bearer ${config.adminApi.token}` } });
    const text = await listed.text();
    expect(text).not.toContain(tenant.secret);
    expect(text).not.toContain(tenant.verifyToken);
  });

  it('reports readiness and metrics on the private port', async () => {
    const ready = await fetch(`${adminUrl}/health/ready`);
    expect(ready.status).toBe(200);
    expect(((await ready.json()) as { details: Record<string, unknown> }).details).toHaveProperty('kafka');
    expect((await fetch(`${adminUrl}/health/live`)).status).toBe(200);
    const metrics = await (await fetch(`${adminUrl}/metrics`)).text();
    expect(metrics).toContain(`wahooks_intake_signature_failures_total{tenant="${tenant.id}"}`);
    expect(metrics).toMatch(new RegExp(`wahooks_intake_requests_total\\{tenant="${tenant.id}",route="tenant-url",outcome="accepted"\\} \\d+`));
  });
});
