import { randomBytes } from 'node:crypto';

import { Kafka, logLevel } from 'kafkajs';

import { FallbackTopics, StatusTopics, Topics } from '@wahooks/events-contract';
import { loadFixtures, physicalTopic, provisionTenant, ProvisionedTenant, SpawnedApp, testConfig, TopicReader, unset } from '@wahooks/testing';

import { FakeSmsProvider } from './fake-sms-provider';
import { eventually, poster, preferenceBody, statusesBody } from './webhooks';

const config = testConfig();
const SECRET = 'fake-provider-signing-secret';

/** The test's own oracle for the failed statuses in the shared fixtures (contract §9). */
const FIXTURE_ACTIONS: Record<number, { action: string; errorClass: string }> = {
  130472: { action: 'none', errorClass: 'permanent-recipient' },
  131053: { action: 'alert', errorClass: 'fix-configuration' },
};

interface View {
  action: string | null;
  errorCode: number | null;
  errorClass: string | null;
  reason: string | null;
  retry: { attempt: number; delayMs: number } | null;
  sms: { status: string; reason: string; attempts: number } | null;
  supersededBy: string | null;
}

describe('fallback-trigger end to end: intake → Kafka → policies → side effects → read API', () => {
  // Numbers ending in 9999 always fail at the provider: the bounded-retry path.
  const provider = new FakeSmsProvider(SECRET, (_, body) => (body.to.endsWith('9999') ? 'fail' : 'ok'));
  const group = `fallback-test-${randomBytes(4).toString('hex')}`;
  const intake = new SpawnedApp('intake', {});
  let app: SpawnedApp;
  const reader = new TopicReader(config.kafka.brokers);
  const kafka = new Kafka({ brokers: config.kafka.brokers, logLevel: logLevel.NOTHING });
  const producer = kafka.producer();
  let tenant: ProvisionedTenant;
  let other: ProvisionedTenant;
  let post: (body: string | Buffer) => Promise<void>;
  const wamid = (label: string) => `wamid.${label}-${randomBytes(5).toString('hex')}`;
  const get = (path: string, key = tenant.apiKey) => fetch(`${app.url}${path}`, { headers: { 'x-api-key': key } });
  const view = async (w: string): Promise<View | undefined> => {
    const res = await get(`/v1/fallbacks/${encodeURIComponent(w)}`);
    return res.status === 200 ? ((await res.json()) as View) : undefined;
  };
  const on = (topic: string, w: string) => reader.waitFor((rs) => rs.some((r) => r.topic === topic && r.value?.toString().includes(w)));
  const t = () => Math.floor(Date.now() / 1000);

  beforeAll(async () => {
    await provider.start();
    await reader.start([FallbackTopics.retryRequested, FallbackTopics.templateRequired, FallbackTopics.fallbackEvents, StatusTopics.alerts]);
    await intake.start();
    tenant = await provisionTenant(intake.adminUrl, config.adminApi.token, 'fb');
    other = await provisionTenant(intake.adminUrl, config.adminApi.token, 'fbo');
    app = new SpawnedApp('fallback-trigger', {
      // Without the secrets it does not read (the test's environment has them all): it starts without them (docs/configuration.md).
      ...unset('ADMIN_API_TOKEN', 'SECRETS_ENCRYPTION_KEY', 'PLATFORM_APP_SECRETS', 'PLATFORM_VERIFY_TOKEN'),
      CONSUMER_GROUP_ID: group,
      CONSUMER_START_FROM: 'latest',
      FALLBACK_SMS_URL: provider.url,
      // The local provider is an internal address: allowed by address and port.
      EGRESS_ALLOW: new URL(provider.url).host,
      FALLBACK_SMS_SECRET: SECRET,
      FALLBACK_SMS_BACKOFF_BASE_MS: '20',
      FALLBACK_SMS_BACKOFF_CAP_MS: '100',
      FALLBACK_SMS_MAX_ATTEMPTS: '3',
      FALLBACK_SMS_POLL_MS: '50',
      FALLBACK_SCAN_INTERVAL_MS: '300',
      // Time-based fallback for this tenant only; 130497 overridden to SMS as well.
      FALLBACK_TENANT_OVERRIDES: JSON.stringify({ [tenant.id]: { undeliveredAfterMs: 1500, actions: { '130497': 'sms-fallback' } } }),
    });
    await app.start();
    post = poster(intake.url, tenant);
    await producer.connect();
  });

  afterAll(async () => {
    await producer.disconnect();
    await reader.stop();
    await Promise.all([intake.stop(), app.stop()]);
    await provider.stop();
  });

  it('maps the failed-status fixtures to the right actions', async () => {
    const failed = loadFixtures().flatMap((f) => {
      const json = JSON.parse(f.body.toString()) as { entry?: Array<{ changes?: Array<{ value?: { statuses?: Array<{ id: string; status: string; errors?: Array<{ code: number }> }> } }> }> };
      return (json.entry ?? []).flatMap((e) => (e.changes ?? []).flatMap((c) => (c.value?.statuses ?? []).filter((s) => s.status === 'failed').map((s) => ({ f, s }))));
    });
    expect(failed.length).toBeGreaterThanOrEqual(2);
    for (const { f, s } of failed) {
      // Fixtures reuse wamids across files (sent/delivered of the same id): give each its own.
      const w = wamid('fixture');
      await post(f.body.toString().split(JSON.stringify(s.id)).join(JSON.stringify(w)));
      const code = s.errors?.[0]?.code as number;
      const expected = FIXTURE_ACTIONS[code];
      expect(expected).toBeDefined();
      const v = await eventually(() => view(w), (x) => x.action !== null);
      expect(v).toMatchObject({ errorCode: code, ...expected });
    }
  });

  it('asks for a template on 131047, a bounded retry on 130429, and alerts on configuration errors', async () => {
    const [closed, busy, config1] = [wamid('closed'), wamid('busy'), wamid('cfg')];
    await post(statusesBody([
      { wamid: closed, status: 'failed', ts: t(), codes: [131047] },
      { wamid: busy, status: 'failed', ts: t(), codes: [130429] },
      { wamid: config1, status: 'failed', ts: t(), codes: [132001] },
    ]));
    await on(FallbackTopics.templateRequired, closed);
    const retry = (await on(FallbackTopics.retryRequested, busy)).find((r) => r.value?.toString().includes(busy))!;
    expect(JSON.parse(retry.value!.toString())).toMatchObject({ kind: 'retry-requested', errorCode: 130429, attempt: 1, delayMs: 30_000, tenantId: tenant.id });
    expect(retry.headers['wahooks-idempotency-key']).toBe(`retry-requested:${busy}`);
    await on(StatusTopics.alerts, config1);
    expect((await view(config1))?.action).toBe('alert');
  });

  it('keeps a suppression list from 131050 and user_preferences, and never retries marketing to a suppressed user', async () => {
    const user = `1555${Math.floor(1_000_000 + Math.random() * 8_000_000)}`;
    const may = async () => ((await (await get(`/v1/fallbacks/suppressions/${user}`)).json()) as { mayReceiveMarketing: boolean }).mayReceiveMarketing;
    expect(await may()).toBe(true);
    await post(statusesBody([{ wamid: wamid('optout'), status: 'failed', ts: t() - 100, recipient: user, codes: [131050] }]));
    await eventually(may, (m) => m === false);
    const list = (await (await get('/v1/fallbacks/suppressions')).json()) as { items: Array<{ user: string; source: string }> };
    expect(list.items).toContainEqual(expect.objectContaining({ user, source: 'error-131050' }));

    const marketing = wamid('mkt');
    await post(statusesBody([{ wamid: marketing, status: 'sent', ts: t() - 50, recipient: user, category: 'marketing' }]));
    await post(statusesBody([{ wamid: marketing, status: 'failed', ts: t() - 40, recipient: user, codes: [131000] }]));
    expect(await eventually(() => view(marketing), (v) => v.action !== null)).toMatchObject({ action: 'none', reason: 'recipient stopped marketing messages' });

    // An older stop delivered late changes nothing; a newer resume lifts it.
    await post(preferenceBody(user, 'resume', t()));
    await eventually(may, (m) => m === true);
    await post(preferenceBody(user, 'stop', t() - 1000));
    await new Promise((r) => setTimeout(r, 1000));
    expect(await may()).toBe(true);
  });

  it('sends one SMS for 131026, and a later delivery supersedes it', async () => {
    const w = wamid('undeliverable');
    await post(statusesBody([{ wamid: w, status: 'failed', ts: t(), recipient: '15557654321', codes: [131026] }]));
    await eventually(() => view(w), (v) => v.sms?.status === 'sent');
    await post(statusesBody([{ wamid: w, status: 'delivered', ts: t() + 1, recipient: '15557654321' }]));
    await post(statusesBody([{ wamid: w, status: 'read', ts: t() + 2, recipient: '15557654321' }]));
    const events = await reader.waitFor((rs) => rs.some((r) => r.topic === FallbackTopics.fallbackEvents && r.value?.toString().includes('"superseded"') && r.value.toString().includes(w)));
    // At least once on the wire; exactly once per idempotency key, which is what consumers act on.
    const mine = events.filter((r) => r.topic === FallbackTopics.fallbackEvents && r.value?.toString().includes(w));
    const kinds = [...new Map(mine.map((r) => [r.headers['wahooks-idempotency-key'], r])).values()].map((r) => (JSON.parse(r.value!.toString()) as { kind: string }).kind);
    expect(kinds.filter((k) => k === 'superseded')).toHaveLength(1);
    expect(kinds).toEqual(expect.arrayContaining(['sms-requested', 'sms-sent', 'superseded']));
    expect((await view(w))?.supersededBy).toBe('delivered');
    expect([...provider.sent.values()].filter((s) => s.wamid === w)).toHaveLength(1);
  });

  it('gives up on an SMS after the attempt bound, records it as failed and alerts', async () => {
    const w = wamid('smsfail');
    await post(statusesBody([{ wamid: w, status: 'failed', ts: t(), recipient: '15550009999', codes: [130497] }]));
    const v = await eventually(() => view(w), (x) => x.sms?.status === 'failed');
    expect(v).toMatchObject({ action: 'sms-fallback', sms: { attempts: 3 } });
    const alerts = await on(StatusTopics.alerts, w);
    expect(alerts.some((r) => r.value?.toString().includes('fallback.sms-failed'))).toBe(true);
  });

  it('sends the time-based SMS fallback for a message accepted and not delivered in time', async () => {
    const [late, ok] = [wamid('late'), wamid('ontime')];
    const accepted = (w: string, to: string) => ({ key: tenant.id, headers: { 'wahooks-tenant-id': tenant.id }, value: JSON.stringify({ internalMessageId: `m-${w}`, wamid: w, phoneNumberId: '1000', recipient: to, template: { name: 'order', language: 'en' } }) });
    await producer.send({ topic: physicalTopic(Topics.messagesAccepted), messages: [accepted(late, '15551110000'), accepted(ok, '15551110001')] });
    await post(statusesBody([{ wamid: ok, status: 'delivered', ts: t(), recipient: '15551110001' }]));
    const v = await eventually(() => view(late), (x) => x.sms?.status === 'sent', 20_000);
    expect(v.sms).toMatchObject({ reason: 'undelivered-timeout' });
    await new Promise((r) => setTimeout(r, 2000));
    expect((await view(ok))?.sms).toBeNull();
  });

  it('counts by error code and action, and keeps tenants apart', async () => {
    const from = new Date(Date.now() - 3600_000).toISOString();
    const to = new Date(Date.now() + 3600_000).toISOString();
    const counts = (await (await get(`/v1/fallbacks/counts?from=${from}&to=${to}`)).json()) as { byErrorCode: Record<string, number>; byAction: Record<string, number> };
    expect(counts.byErrorCode['131026']).toBeGreaterThanOrEqual(1);
    expect(counts.byAction['template-required']).toBeGreaterThanOrEqual(1);
    const list = (await (await get('/v1/fallbacks?action=sms-fallback&limit=2')).json()) as { items: View[]; nextCursor: string | null };
    expect(list.items.every((i) => i.action === 'sms-fallback')).toBe(true);
    const some = (await (await get('/v1/fallbacks?limit=1')).json()) as { items: Array<{ wamid: string }> };
    expect((await get(`/v1/fallbacks/${encodeURIComponent(some.items[0]!.wamid)}`, other.apiKey)).status).toBe(404);
    expect((await fetch(`${app.url}/v1/fallbacks`)).status).toBe(401);
    expect((await get('/v1/fallbacks?action=bogus')).status).toBe(400);
  });

  it('reports readiness with the consumer state', async () => {
    const res = await fetch(`${app.url}/health/ready`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { details: { consumer: { state: string } } }).details.consumer.state).toBe('running');
  });
});
