import { randomBytes } from 'node:crypto';

import { Kafka, logLevel } from 'kafkajs';

import { RecordProof } from '@wahooks/consumer-runtime';
import { StatusTopics, Topics, deadLetterTopic } from '@wahooks/events-contract';
import { distinctByIdempotencyKey, physicalTopic, provisionTenant, ProvisionedTenant, ReadRecord, signLikeMeta, SpawnedApp, testConfig, TopicReader, unset } from '@wahooks/testing';

import { expectedByWamid, statusFixtures } from './fixture-statuses';

const config = testConfig();
const group = `status-test-${randomBytes(4).toString('hex')}`;

interface MessageView {
  status: string;
  internalMessageId: string | null;
  errors: Array<{ code?: number }>;
  timeline: Array<{ status: string; eventId: string; at: string | null }>;
  anomalies: Array<{ kind: string }>;
  steps: Record<string, string | null>;
  pricing: { category?: string } | null;
}

describe('status-projector end to end: intake → Kafka → projector → read API', () => {
  const intake = new SpawnedApp('intake', {});
  // Without the secrets it does not read (the test's environment has them all): it starts without them (docs/configuration.md).
  const projector = new SpawnedApp('status-projector', {
    CONSUMER_GROUP_ID: group,
    CONSUMER_START_FROM: 'latest',
    STALL_SCAN_INTERVAL_MS: '500',
    STALL_ACCEPTED_TO_SENT_MS: '2000',
    ...unset('ADMIN_API_TOKEN', 'SECRETS_ENCRYPTION_KEY', 'PLATFORM_APP_SECRETS', 'PLATFORM_VERIFY_TOKEN'),
  });
  const changes = new TopicReader(config.kafka.brokers);
  const kafka = new Kafka({ brokers: config.kafka.brokers, logLevel: logLevel.NOTHING });
  const producer = kafka.producer();
  let tenant: ProvisionedTenant;
  let other: ProvisionedTenant;

  const post = (body: string | Buffer) =>
    fetch(`${intake.url}/webhooks/whatsapp/${tenant.id}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': signLikeMeta(body, tenant.secret) },
      body,
    });
  const get = (path: string, key = tenant.apiKey) => fetch(`${projector.url}${path}`, { headers: { 'x-api-key': key } });
  const message = async (wamid: string): Promise<MessageView | undefined> => {
    const res = await get(`/v1/messages/${encodeURIComponent(wamid)}`);
    return res.status === 200 ? ((await res.json()) as MessageView) : undefined;
  };
  async function eventually<T>(fn: () => Promise<T | undefined>, ok: (v: T) => boolean, timeoutMs = 30_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    let last: T | undefined;
    while (Date.now() < deadline) {
      last = await fn();
      if (last !== undefined && ok(last)) return last;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`not reached in ${timeoutMs} ms; last: ${JSON.stringify(last)?.slice(0, 2000)}`);
  }

  beforeAll(async () => {
    await Promise.all([intake.start(), projector.start()]);
    // The group's dead-letter topic exists once its consumer started.
    await changes.start([StatusTopics.statusChanged, StatusTopics.alerts, StatusTopics.conversions, deadLetterTopic(group)]);
    tenant = await provisionTenant(intake.adminUrl, config.adminApi.token);
    other = await provisionTenant(intake.adminUrl, config.adminApi.token);
    await producer.connect();
  });

  afterAll(async () => {
    await producer.disconnect();
    await changes.stop();
    await Promise.all([intake.stop(), projector.stop()]);
  });

  it('turns every status fixture into the right state and timeline', async () => {
    const fixtures = statusFixtures();
    expect(fixtures.length).toBeGreaterThanOrEqual(18);
    for (const f of fixtures) expect((await post(f.body)).status).toBe(200);
    const expected = expectedByWamid(fixtures.flatMap((f) => f.statuses));
    for (const [wamid, want] of expected) {
      const view = await eventually(() => message(wamid), (v) => v.status === want.status && new Set(v.timeline.map((e) => e.status)).size === want.statuses.size);
      expect(new Set(view.timeline.map((e) => e.status))).toEqual(want.statuses);
      expect(new Set(view.errors.map((e) => e.code))).toEqual(want.errorCodes);
    }
  });

  it('starts a timeline at accepted, moves forward only, whatever the order and duplication', async () => {
    const wamid = `wamid.test-${randomBytes(6).toString('hex')}`;
    const accepted = await fetch(`${projector.url}/v1/messages/accepted`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': tenant.apiKey },
      body: JSON.stringify({ internalMessageId: `msg-${wamid}`, wamid, phoneNumberId: '1000', recipient: '15551234567', template: { name: 'order_update', language: 'en' } }),
    });
    expect(accepted.status).toBe(202);
    const status = (s: string, ts: number, extra: object = {}) =>
      JSON.stringify({
        object: 'whatsapp_business_account',
        entry: [{ id: '1', changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', metadata: { phone_number_id: '1000', display_phone_number: '1' }, statuses: [{ id: wamid, status: s, timestamp: String(ts), recipient_id: '15551234567', ...extra }] } }] }],
      });
    const t0 = Math.floor(Date.now() / 1000);
    const pricing = { pricing: { billable: true, pricing_model: 'PMP', type: 'regular', category: 'utility' } };
    // read first, then a duplicate read, then delivered, then sent twice: arrival order is the worst case.
    for (const body of [status('read', t0 + 3), status('read', t0 + 3), status('delivered', t0 + 2, pricing), status('sent', t0 + 1), status('sent', t0 + 1)]) {
      expect((await post(body)).status).toBe(200);
    }
    const view = await eventually(() => message(wamid), (v) => v.timeline.length === 4);
    expect(view.status).toBe('read');
    expect(view.internalMessageId).toBe(`msg-${wamid}`);
    expect(view.timeline.map((e) => e.status)).toEqual(['accepted', 'sent', 'delivered', 'read']);
    expect(view.steps['delivered']).toBe(new Date((t0 + 2) * 1000).toISOString());
    expect(view.pricing?.category).toBe('utility');
    const byInternal = await get(`/v1/messages/by-internal-id/msg-${wamid}`);
    expect(((await byInternal.json()) as MessageView).status).toBe('read');

    // Published changes: each status at most once, duplicates never.
    const mine = distinctByIdempotencyKey(
      (await changes.waitFor((rs) => rs.some((r) => r.value?.toString().includes(wamid) && r.value.toString().includes('"to":"read"')))).filter(
        (r) => r.topic === StatusTopics.statusChanged && r.value?.toString().includes(wamid),
      ),
    );
    const tos = mine.map((r) => (JSON.parse(r.value!.toString()) as { to: string }).to);
    expect(new Set(tos).size).toBe(tos.length);
    expect(tos[0]).toBe('accepted');
    expect(tos).toContain('read');

    // Another tenant's key sees nothing of it.
    expect((await get(`/v1/messages/${wamid}`, other.apiKey)).status).toBe(404);
    expect((await fetch(`${projector.url}/v1/messages/${wamid}`)).status).toBe(401);
  });

  it('folds the leads and purchases Meta detects (automatic_events) into their message, once each, without touching its status, and publishes each once', async () => {
    // Meta's two examples (automatic_events reference): a lead in an inbound message, a purchase in one we sent.
    const LEAD = 'wamid.HBgLMTIwNjY3NzQ3OTgVAgASGBQzQUY3MDVCQzFBODE5ODU4MUZEOQA=';
    const PURCHASE = 'wamid.HBgLMTIwNjY3NzQ3OTgVAgARGBIwRkU4NDI5Nzk3RjZDMzE2RUMA';
    const CTWA_CLID = 'Afc3nYt4TTydumlFFsatFz8bR2yHCtVA92Veu_zDE4DgAI-QqCwM6eC3-K3lTGHRiLxRTVXFEsdyKQQSa-2obZyuGBq_EYypt_OwbMihBV0pbUoRmrGnEjwFTHop-Px0TfA';
    const automatic = (items: object[]) =>
      JSON.stringify({
        object: 'whatsapp_business_account',
        entry: [{ id: '102290129340398', changes: [{ value: { messaging_product: 'whatsapp', metadata: { display_phone_number: '15550783881', phone_number_id: '106540352242922' }, automatic_events: items }, field: 'automatic_events' }] }],
      });
    const lead = { id: LEAD, event_name: 'LeadSubmitted', timestamp: 1749069089, ctwa_clid: CTWA_CLID };
    const purchase = { id: PURCHASE, event_name: 'Purchase', timestamp: 1749069131, ctwa_clid: CTWA_CLID, custom_data: { currency: 'USD', value: 25000 } };
    const status = (s: string, ts: number) =>
      JSON.stringify({
        object: 'whatsapp_business_account',
        entry: [{ id: '102290129340398', changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', metadata: { phone_number_id: '106540352242922', display_phone_number: '15550783881' }, statuses: [{ id: PURCHASE, status: s, timestamp: String(ts), recipient_id: '12066774798' }] } }] }],
      });
    const accepted = await fetch(`${projector.url}/v1/messages/accepted`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': tenant.apiKey },
      body: JSON.stringify({ internalMessageId: 'order-77', wamid: PURCHASE, phoneNumberId: '106540352242922', recipient: '12066774798', acceptedAt: new Date(1749069000_000).toISOString() }),
    });
    expect(accepted.status).toBe(202);
    // The purchase first, then the statuses, then the purchase again re-stamped (a retry Meta may send) and both in one POST.
    for (const body of [automatic([purchase]), status('sent', 1749069010), status('delivered', 1749069020), automatic([{ ...purchase, timestamp: 1749069191 }]), status('read', 1749069030), automatic([lead, purchase])]) {
      expect((await post(body)).status).toBe(200);
    }

    type Conversion = { kind: string; eventName: string; atMs: number; at: string; ctwaClid: string | null; currency: string | null; value: number | null; amount: number | null };
    const view = await eventually(
      () => message(PURCHASE) as Promise<(MessageView & { conversions: Conversion[] }) | undefined>,
      (v) => v.status === 'read' && v.conversions.length === 1,
    );
    expect(view.conversions).toEqual([
      { eventId: expect.any(String), kind: 'purchase', eventName: 'Purchase', atMs: 1749069131_000, at: '2025-06-04T20:32:11.000Z', ctwaClid: CTWA_CLID, currency: 'USD', value: 25000, amount: 25 },
    ]);
    expect(view.timeline.map((e) => e.status)).toEqual(['accepted', 'sent', 'delivered', 'read']);
    expect(view.anomalies).toEqual([]);
    // The lead's message is inbound: nothing sent, so no status, and still its conversion.
    const inbound = await eventually(() => message(LEAD) as Promise<(MessageView & { conversions: Conversion[] }) | undefined>, (v) => v.conversions.length === 1);
    expect(inbound).toMatchObject({ status: null, timeline: [], conversions: [{ kind: 'lead', eventName: 'LeadSubmitted', ctwaClid: CTWA_CLID, currency: null, value: null, amount: null }] });

    // Published once each on whatsapp.conversions.v1; the status topic carries only the four status moves.
    const published = await changes.waitFor((rs) => distinctByIdempotencyKey(rs.filter((r) => r.topic === StatusTopics.conversions && r.headers['wahooks-tenant-id'] === tenant.id)).length >= 2);
    await new Promise((r) => setTimeout(r, 1000));
    const mine = distinctByIdempotencyKey(published.filter((r) => r.topic === StatusTopics.conversions && r.headers['wahooks-tenant-id'] === tenant.id)).map((r) => JSON.parse(r.value!.toString()) as Record<string, unknown>);
    expect(mine.map((c) => c['kind']).sort()).toEqual(['lead', 'purchase']);
    expect(mine.find((c) => c['kind'] === 'purchase')).toMatchObject({
      schemaVersion: 1, tenantId: tenant.id, wamid: PURCHASE, internalMessageId: 'order-77', wabaId: '102290129340398', phoneNumberId: '106540352242922',
      eventName: 'Purchase', occurredAt: '2025-06-04T20:32:11.000Z', ctwaClid: CTWA_CLID, currency: 'USD', value: 25000, amount: 25,
    });
    const statusMoves = (rs: ReadRecord[]) => distinctByIdempotencyKey(rs.filter((r) => r.topic === StatusTopics.statusChanged && r.value?.toString().includes(PURCHASE)));
    const moves = statusMoves(await changes.waitFor((rs) => statusMoves(rs).length >= 4));
    expect(moves.map((r) => (JSON.parse(r.value!.toString()) as { to: string }).to).sort()).toEqual(['accepted', 'delivered', 'read', 'sent']);
  });

  it('lists with filters and pages, and counts by status and error code', async () => {
    const from = new Date(Date.now() - 365 * 86400_000 * 30).toISOString();
    const to = new Date(Date.now() + 86400_000).toISOString();
    const failed = (await (await get(`/v1/messages?status=failed&from=${from}&to=${to}`)).json()) as { items: Array<{ status: string }> };
    expect(failed.items.length).toBeGreaterThan(0);
    expect(failed.items.every((i) => i.status === 'failed')).toBe(true);
    const page1 = (await (await get(`/v1/messages?limit=2`)).json()) as { items: Array<{ wamid: string }>; nextCursor: string };
    expect(page1.items).toHaveLength(2);
    const page2 = (await (await get(`/v1/messages?limit=2&cursor=${page1.nextCursor}`)).json()) as { items: Array<{ wamid: string }> };
    expect(page2.items.map((i) => i.wamid)).not.toContain(page1.items[0]?.wamid);
    const counts = (await (await get(`/v1/messages/counts?from=${from}&to=${to}`)).json()) as { byStatus: Record<string, number>; byErrorCode: Record<string, number> };
    expect(counts.byStatus['failed']).toBeGreaterThan(0);
    expect(Object.keys(counts.byErrorCode).length).toBeGreaterThan(0);
    expect((await get('/v1/messages?status=bogus')).status).toBe(400);
    expect((await get('/v1/messages?cursor=not-a-cursor')).status).toBe(400);
  });

  it('records sends from the accepted topic and flags a stalled message', async () => {
    const wamid = `wamid.kafka-${randomBytes(6).toString('hex')}`;
    await producer.send({
      topic: physicalTopic(Topics.messagesAccepted),
      messages: [{ key: tenant.id, headers: { 'wahooks-tenant-id': tenant.id }, value: JSON.stringify({ internalMessageId: `k-${wamid}`, wamid, phoneNumberId: '1000', recipient: '15550000000', acceptedAt: new Date(Date.now() - 10_000).toISOString() }) }],
    });
    const view = await eventually(() => message(wamid), (v) => v.status === 'accepted');
    expect(view.internalMessageId).toBe(`k-${wamid}`);
    // STALL_ACCEPTED_TO_SENT_MS is 2 s here: never sent, so it stalls and raises one alert.
    const alerts = await changes.waitFor((rs) => rs.some((r) => r.topic === StatusTopics.alerts && r.value?.toString().includes(wamid)));
    expect(distinctByIdempotencyKey(alerts.filter((r) => r.topic === StatusTopics.alerts && r.value?.toString().includes(wamid)))).toHaveLength(1);
    const stalled = (await (await get(`/v1/messages/${wamid}`)).json()) as { stalled: string };
    expect(stalled.stalled).toBe('not-sent');
  });

  it('dead-letters a poison record to its group and keeps going', async () => {
    // Signed as the intake signs (a proof over tenant and body), but not JSON: poison by content.
    const garbage = 'not json at all';
    const proof = new RecordProof(config.recordProof.keys);
    await producer.send({ topic: physicalTopic(Topics.webhooksRaw), messages: [{ key: tenant.id, headers: { 'wahooks-tenant-id': tenant.id, 'wahooks-intake-proof': proof.sign(tenant.id, Buffer.from(garbage)) }, value: garbage }] });
    const wamid = `wamid.after-poison-${randomBytes(4).toString('hex')}`;
    const body = JSON.stringify({ object: 'whatsapp_business_account', entry: [{ id: '1', changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', metadata: { phone_number_id: '1000' }, statuses: [{ id: wamid, status: 'sent', timestamp: '1700000000', recipient_id: '1' }] } }] }] });
    expect((await post(body)).status).toBe(200);
    await eventually(() => message(wamid), (v) => v.status === 'sent');
    const letters = await changes.waitFor((rs) => rs.some((r) => r.topic === deadLetterTopic(group) && r.value?.toString() === garbage));
    const letter = letters.find((r) => r.value?.toString() === garbage);
    expect(letter?.headers['wahooks-dlq-error']).toMatch(/JSON/);
    expect(letter?.headers).toMatchObject({ 'wahooks-dlq-consumer-group': group, 'wahooks-dlq-origin-topic': Topics.webhooksRaw, 'wahooks-dlq-disposition': 'poison', 'wahooks-dlq-error-class': 'poison' });
  });

  it('refuses a raw record the intake did not write: a well-formed forgery for another tenant is dead-lettered, never projected', async () => {
    const wamid = `wamid.forged-${randomBytes(4).toString('hex')}`;
    const forged = JSON.stringify({ object: 'whatsapp_business_account', entry: [{ id: '1', changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', metadata: { phone_number_id: '1000' }, statuses: [{ id: wamid, status: 'failed', timestamp: '1700000000', recipient_id: '1', errors: [{ code: 131026 }] }] } }] }] });
    const stolen = new RecordProof(config.recordProof.keys).sign(other.id, Buffer.from(forged));
    await producer.send({
      topic: physicalTopic(Topics.webhooksRaw),
      messages: [
        // No proof at all, and a proof made for another tenant: both forgeries.
        { key: tenant.id, headers: { 'wahooks-tenant-id': tenant.id }, value: forged },
        { key: tenant.id, headers: { 'wahooks-tenant-id': tenant.id, 'wahooks-intake-proof': stolen }, value: forged },
      ],
    });
    const letters = await changes.waitFor((rs) => rs.filter((r) => r.topic === deadLetterTopic(group) && r.value?.toString() === forged).length >= 2);
    const reasons = letters.filter((r) => r.value?.toString() === forged).map((r) => r.headers['wahooks-dlq-error']);
    expect(reasons).toEqual([expect.stringMatching(/no intake proof/), expect.stringMatching(/does not match/)]);
    expect(await message(wamid)).toBeUndefined();
  });

  it('reports readiness with the consumer state', async () => {
    const res = await fetch(`${projector.url}/health/ready`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { details: { consumer: { state: string } } }).details.consumer.state).toBe('running');
  });
});
