import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';

import { Client } from 'pg';

import { StatusTopics, Topics } from '@wahooks/events-contract';
import { distinctByIdempotencyKey, provisionTenant, ProvisionedTenant, signLikeMeta, SpawnedApp, testConfig, testDatabaseUrl, TopicReader, uniqueMetaId, unset } from '@wahooks/testing';

import { AlertReceiver } from './alert-receiver';
import { envelope, expectedTemplates, managementFixtures } from './management-payloads';

const config = testConfig();
const group = `template-test-${randomBytes(4).toString('hex')}`;

async function eventually<T>(fn: () => Promise<T | undefined>, ok: (v: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  while (Date.now() < deadline) {
    last = await fn();
    if (last !== undefined && ok(last)) return last;
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`not reached in ${timeoutMs} ms; last: ${JSON.stringify(last)?.slice(0, 2000)}`);
}

describe('template-monitor end to end: intake → Kafka → monitor → read API', () => {
  const intake = new SpawnedApp('intake', {});
  let monitor: SpawnedApp;
  const alerts = new TopicReader(config.kafka.brokers);
  const unrouted = new TopicReader(config.kafka.brokers);
  const db = new Client({ connectionString: testDatabaseUrl('owner') });
  const receiverSecret = `whsec_${randomBytes(16).toString('hex')}`;
  const receiver = new AlertReceiver(receiverSecret);
  let tenant: ProvisionedTenant;
  let other: ProvisionedTenant;
  let payer: ProvisionedTenant;

  const post = (body: string | Buffer, t = tenant) =>
    fetch(`${intake.url}/webhooks/whatsapp/${t.id}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': signLikeMeta(body, t.secret) }, body });
  const get = async <T>(path: string, key = tenant.apiKey): Promise<T | undefined> => {
    const res = await fetch(`${monitor.url}${path}`, { headers: { 'x-api-key': key } });
    return res.status === 200 ? ((await res.json()) as T) : undefined;
  };

  beforeAll(async () => {
    await db.connect();
    await receiver.start();
    // The local receiver is an internal address: allowed by address and port, as an operator would.
    // Without the platform app's secrets, which only the intake reads (docs/configuration.md).
    monitor = new SpawnedApp('template-monitor', {
      CONSUMER_GROUP_ID: group,
      CONSUMER_START_FROM: 'latest',
      EGRESS_ALLOW: new URL(receiver.url).host,
      ...unset('PLATFORM_APP_SECRETS', 'PLATFORM_VERIFY_TOKEN'),
    });
    await alerts.start([StatusTopics.alerts]);
    await unrouted.start([Topics.webhooksUnrouted]);
    await Promise.all([intake.start(), monitor.start()]);
    tenant = await provisionTenant(intake.adminUrl, config.adminApi.token, 'tm');
    other = await provisionTenant(intake.adminUrl, config.adminApi.token, 'tm');
    payer = await provisionTenant(intake.adminUrl, config.adminApi.token, 'tm');
  });

  afterAll(async () => {
    await alerts.stop();
    await unrouted.stop();
    await receiver.close();
    await db.end();
    await Promise.all([intake.stop(), monitor.stop()]);
  });

  it('turns every management fixture into the right template and account state, and raises exactly the expected alerts', async () => {
    const fixtures = managementFixtures();
    expect(fixtures.length).toBeGreaterThanOrEqual(30);
    // Every fixture twice: Meta's retries must change nothing.
    for (const f of [...fixtures, ...fixtures]) expect((await post(f.body)).status).toBe(200);
    const changes = fixtures.flatMap((f) => f.changes);
    const expected = expectedTemplates(changes);
    for (const want of expected.values()) {
      const path = `/v1/templates/${want.name}/${want.language}?wabaId=${want.wabaId}`;
      const view = await eventually(() => get<{ status: string | null; quality: { score: string } | null }>(path), (v) => v.status === (want.status ?? null) && (v.quality?.score ?? null) === (want.quality ?? null));
      expect(view.status).toBe(want.status ?? null);
    }
    const welcome = await get<{ category: string; pendingCategory: unknown; history: unknown[] }>('/v1/templates/welcome_template/en-US?wabaId=102290129340398');
    expect(welcome).toMatchObject({ category: 'MARKETING', pendingCategory: null });
    const order = await get<{ components: { title: string; buttons: unknown[] } }>('/v1/templates/order_confirmation/en_US?wabaId=102290129340398');
    expect(order?.components.title).toBe('Your order is confirmed!');
    expect(order?.components.buttons).toHaveLength(2);
    const rejected = await get<{ rejection: { reason: string } }>('/v1/templates/abandoned_cart/en?wabaId=102290129340398');
    expect(rejected?.rejection.reason).toMatch(/parameters placed next to each other/);

    const accountChanges = changes.filter((c) => c.field === 'account_update' && c.wabaId === '102290129340398');
    const account = await eventually(
      () => get<{ history: unknown[]; violation: { type: string }; ban: { state: string; date: string }; restrictions: Array<{ type: string; active: boolean }> }>('/v1/accounts/102290129340398'),
      (a) => a.history.length === new Set(accountChanges.map((c) => JSON.stringify(c))).size,
    );
    expect(account.violation.type).toBe('ADULT');
    expect(account.ban).toMatchObject({ state: 'REINSTATE', date: 'April 17, 2025' });
    expect(account.restrictions.map((r) => [r.type, r.active])).toEqual([['RESTRICTED_BIZ_INITIATED_MESSAGING', false], ['RESTRICTED_ADD_PHONE_NUMBER_ACTION', false]]);

    // Rejected ×2, disabled ×1, restriction, violation; quality YELLOW, LOCKED and a ban REINSTATE raise none.
    const kinds = await eventually(
      () => get<{ items: Array<{ kind: string }> }>('/v1/alerts?limit=500').then((r) => r?.items.map((i) => i.kind).sort()),
      (k) => k.length >= 5,
    );
    expect(kinds).toEqual(['account.restricted', 'account.violation', 'template.disabled', 'template.rejected', 'template.rejected']);
    const published = await alerts.waitFor((rs) => rs.filter((r) => r.headers['wahooks-tenant-id'] === tenant.id).length >= 5);
    await new Promise((r) => setTimeout(r, 1000));
    // The relay publishes at least once; consumers deduplicate on the idempotency key, and so does this check.
    const mine = alerts.records.filter((r) => r.headers['wahooks-tenant-id'] === tenant.id);
    const distinct = [...new Map(mine.map((r) => [r.headers['wahooks-idempotency-key'], r])).values()];
    expect(distinct.map((r) => (JSON.parse(r.value!.toString()) as { kind: string }).kind).sort()).toEqual(kinds);
    expect(published.length).toBeGreaterThanOrEqual(5);
  });

  it('keeps numbers and account health from the kinds the corpus lacks, in both limit shapes', async () => {
    const waba = `8${Date.now()}`;
    const t = Math.floor(Date.now() / 1000) - 3600;
    const bodies = [
      envelope([{ wabaId: waba, time: t, field: 'phone_number_quality_update', value: { display_phone_number: '15550001111', event: 'FLAGGED', current_limit: 'TIER_10K' } }]),
      envelope([{ wabaId: waba, time: t + 60, field: 'phone_number_quality_update', value: { display_phone_number: '15550001111', event: 'DOWNGRADE', current_limit: 'TIER_2K', old_limit: 'TIER_10K' } }]),
      envelope([{ wabaId: waba, time: t + 5, field: 'phone_number_name_update', value: { display_phone_number: '15550001111', decision: 'APPROVED', requested_verified_name: 'Lucky Shrub', rejection_reason: null } }]),
      envelope([{ wabaId: waba, time: t, field: 'business_capability_update', value: { max_daily_conversation_per_phone: 2000, max_phone_numbers_per_business: 2 } }]),
      envelope([{ wabaId: waba, time: t + 10, field: 'business_capability_update', value: { max_daily_conversations_per_business: 'TIER_100K', max_phone_numbers_per_waba: 25 } }]),
      envelope([{ wabaId: waba, time: t + 20, field: 'account_alerts', value: { entity_type: 'PHONE_NUMBER', entity_id: '15550001111', alert_info: { alert_severity: 'CRITICAL', alert_status: 'ACTIVE', alert_type: 'PROFILE_PICTURE_LOST', alert_description: 'lost' } } }]),
      envelope([{ wabaId: waba, time: t + 30, field: 'account_review_update', value: { decision: 'APPROVED' } }]),
      envelope([{ wabaId: waba, time: t + 40, field: 'security', value: { display_phone_number: '15550001111', event: 'PIN_RESET_REQUEST', requester: '1234' } }]),
      envelope([{ wabaId: waba, time: t + 50, field: 'account_update', value: { event: 'ACCOUNT_RESTRICTION', restriction_info: [{ restriction_type: 'RESTRICTED_BIZ_INITIATED_MESSAGING', expiration: t + 7200 }] } }]),
      envelope([{ wabaId: waba, time: t + 70, field: 'message_template_status_update', value: { event: 'APPROVED', message_template_id: 42, message_template_name: 'hello', message_template_language: 'en_US', reason: 'NONE' } }]),
    ];
    for (const b of [...bodies].reverse()) expect((await post(b, other)).status).toBe(200);
    const numbers = await eventually(
      () => get<{ items: Array<{ flagged: boolean; qualityEvent: string; limit: { raw: string }; name: { decision: string } | null }> }>(`/v1/numbers?wabaId=${waba}`, other.apiKey),
      (n) => n.items.length === 1 && n.items[0]!.name !== null && n.items[0]!.qualityEvent === 'DOWNGRADE',
    );
    expect(numbers.items[0]).toMatchObject({ flagged: true, limit: { raw: 'TIER_2K' }, name: { decision: 'APPROVED' } });
    const account = await eventually(
      () => get<{ securityEvents: number; review: { decision: string } | null; capability: Record<string, { raw: unknown } | number> | null; alerts: unknown[] }>(`/v1/accounts/${waba}`, other.apiKey),
      (a) => a.securityEvents === 1 && a.review !== null && a.alerts.length === 1,
    );
    expect(account.capability).toMatchObject({ maxDailyConversationPerPhone: { raw: 2000 }, maxDailyConversationsPerBusiness: { raw: 'TIER_100K' }, maxPhoneNumbersPerWaba: 25 });
    // The restriction holds two hours from the event: an approved template still may not be sent.
    const check = await eventually(() => get<{ allowed: boolean; reason: string; until: string }>('/v1/templates/hello/en-US/can-send', other.apiKey), (c) => c.reason === 'ACCOUNT_RESTRICTED');
    expect(check).toMatchObject({ allowed: false, until: new Date((t + 7200) * 1000).toISOString() });
    const kinds = await eventually(() => get<{ items: Array<{ kind: string }> }>('/v1/alerts', other.apiKey).then((r) => r?.items.map((i) => i.kind).sort()), (k) => k.length >= 4);
    expect(kinds).toEqual(['account.restricted', 'account.security', 'phone_number.degraded', 'phone_number.flagged']);
    // One tenant's key never sees another's data.
    expect(await get(`/v1/accounts/${waba}`)).toBeUndefined();
  });

  it('keeps payment configurations by name on the account and alerts, signed and retried, when one blocks payments', async () => {
    const endpoint = await fetch(`${monitor.url}/admin/tenants/${payer.id}/alert-endpoint`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${config.adminApi.token}` },
      body: JSON.stringify({ url: receiver.url, signingSecret: receiverSecret }),
    });
    expect(endpoint.status).toBe(200);
    const waba = uniqueMetaId();
    const t = Math.floor(Date.now() / 1000) - 3600;
    // Meta's example (Needs Testing), then tested (Active), then disconnected (the other spelling Meta uses); a second configuration stays Active.
    const meta = { configuration_name: 'razorpay-prod', provider_name: 'razorpay', provider_mid: 'acc_GP4lfNA0iIMn5B', created_timestamp: 1748827100 };
    const bodies = [
      envelope([{ wabaId: waba, time: t, field: 'payment_configuration_update', value: { ...meta, status: 'Needs Testing', updated_timestamp: 1749320300 } }]),
      envelope([{ wabaId: waba, time: t + 60, field: 'payment_configuration_update', value: { ...meta, status: 'Active', updated_timestamp: t + 60 } }]),
      envelope([{ wabaId: waba, time: t + 120, field: 'payment_configuration_update', value: { ...meta, status: 'Needs_Connecting', updated_timestamp: t + 120 } }]),
      envelope([{ wabaId: waba, time: t + 30, field: 'payment_configuration_update', value: { configuration_name: 'payu-test', provider_name: 'payu', provider_mid: 'mid-2', status: 'Active', created_timestamp: t, updated_timestamp: t + 30 } }]),
    ];
    await receiver.setMode('fail');
    // Newest first, every one twice: the state follows Meta's time, repeats change nothing.
    for (const b of [...bodies].reverse().flatMap((x) => [x, x])) expect((await post(b, payer)).status).toBe(200);

    type Account = { history: unknown[]; paymentConfigurations: Array<{ name: string; status: string; blocksPayments: boolean; providerMid: string; updatedAt: string; at: string }> };
    const account = await eventually(() => get<Account>(`/v1/accounts/${waba}`, payer.apiKey), (a) => a.history.length === 4);
    expect(account.paymentConfigurations).toEqual([
      { name: 'payu-test', providerName: 'payu', providerMid: 'mid-2', status: 'Active', blocksPayments: false, createdAt: new Date(t * 1000).toISOString(), updatedAt: new Date((t + 30) * 1000).toISOString(), at: new Date((t + 30) * 1000).toISOString() },
      { name: 'razorpay-prod', providerName: 'razorpay', providerMid: 'acc_GP4lfNA0iIMn5B', status: 'Needs_Connecting', blocksPayments: true, createdAt: '2025-06-02T01:18:20.000Z', updatedAt: new Date((t + 120) * 1000).toISOString(), at: new Date((t + 120) * 1000).toISOString() },
    ]);
    const listed = await get<{ items: Array<{ paymentConfigurations: unknown[] }> }>('/v1/accounts', payer.apiKey);
    expect(listed?.items[0]?.paymentConfigurations).toHaveLength(2);

    // Needs Testing (warning) and Needs Connecting (critical) block payments; the Active ones raise nothing.
    type Alert = { kind: string; severity: string; details: { status: string; configurationName: string } };
    const raised = await eventually(() => get<{ items: Alert[] }>('/v1/alerts', payer.apiKey), (r) => r.items.length >= 2);
    expect(raised.items.map((a) => [a.kind, a.severity, a.details.status]).sort()).toEqual([
      ['payment_configuration.blocked', 'critical', 'Needs_Connecting'],
      ['payment_configuration.blocked', 'warning', 'Needs Testing'],
    ]);
    const published = await alerts.waitFor((rs) => distinctByIdempotencyKey(rs.filter((r) => r.headers['wahooks-tenant-id'] === payer.id)).length >= 2);
    const kinds = distinctByIdempotencyKey(published.filter((r) => r.headers['wahooks-tenant-id'] === payer.id)).map((r) => (JSON.parse(r.value!.toString()) as { kind: string; wabaId: string }));
    expect(kinds).toEqual([expect.objectContaining({ kind: 'payment_configuration.blocked', wabaId: waba }), expect.objectContaining({ kind: 'payment_configuration.blocked', wabaId: waba })]);

    // The receiver fails first: both are retried and delivered once, signed.
    await eventually(async () => receiver.requests.length, (n) => n >= 2);
    await receiver.setMode('ok');
    const deliveries = await eventually(
      () => get<{ items: Array<{ kind: string; status: string; attempts: number }> }>('/v1/alert-deliveries', payer.apiKey),
      (d) => d.items.length === 2 && d.items.every((i) => i.status === 'delivered'),
    );
    expect(deliveries.items.every((d) => d.kind === 'payment_configuration.blocked' && d.attempts >= 2)).toBe(true);
    expect([...receiver.deliveredCounts().values()]).toEqual([1, 1]);
    expect(receiver.requests.every((r) => r.signatureValid)).toBe(true);
  });

  it('keeps partner solutions on the account registered under Meta’s business portfolio id, unrouted until then, and alerts on deactivation and rejection', async () => {
    const portfolio = uniqueMetaId();
    const t = Math.floor(Date.now() / 1000) - 600;
    const solution = (time: number, value: object) => JSON.stringify({ entry: [{ changes: [{ field: 'partner_solutions', value }], id: portfolio, time }], object: 'whatsapp_business_account' });
    const platformPost = (body: string) =>
      fetch(`${intake.url}/webhooks/whatsapp`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': signLikeMeta(body, config.platform.appSecrets[0]!) }, body });

    // Meta's example, on the shared platform URL before anyone registered the portfolio: kept on the unrouted topic.
    const created = solution(t, { event: 'SOLUTION_CREATED', solution_id: '774485461512159', solution_status: 'INITIATED' });
    expect((await platformPost(created)).status).toBe(200);
    await unrouted.waitFor((rs) => rs.some((r) => r.key === portfolio));

    const routes = await fetch(`${intake.adminUrl}/admin/tenants/${payer.id}/routes`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${config.adminApi.token}` },
      body: JSON.stringify({ wabaIds: [portfolio] }),
    });
    expect(routes.status).toBeLessThan(300);
    for (const body of [
      solution(t + 120, { event: 'SOLUTION_UPDATED', solution_id: '774485461512159', solution_status: 'DEACTIVATED' }),
      solution(t + 60, { event: 'SOLUTION_UPDATED', solution_id: '774485461512159', solution_status: 'ACTIVE' }),
      solution(t + 30, { event: 'SOLUTION_CREATED', solution_id: '2', solution_status: 'INITIATED' }),
      solution(t + 90, { event: 'SOLUTION_UPDATED', solution_id: '2', solution_status: 'REJECTED' }),
    ]) {
      expect((await platformPost(body)).status).toBe(200);
    }
    type Account = { history: unknown[]; partnerSolutions: Array<{ solutionId: string; status: string; lastEvent: string; at: string }> };
    const account = await eventually(() => get<Account>(`/v1/accounts/${portfolio}`, payer.apiKey), (a) => a.history.length === 4);
    expect(account.partnerSolutions).toEqual([
      { solutionId: '2', status: 'REJECTED', lastEvent: 'SOLUTION_UPDATED', at: new Date((t + 90) * 1000).toISOString() },
      { solutionId: '774485461512159', status: 'DEACTIVATED', lastEvent: 'SOLUTION_UPDATED', at: new Date((t + 120) * 1000).toISOString() },
    ]);
    const kinds = await eventually(
      () => get<{ items: Array<{ kind: string; severity: string }> }>('/v1/alerts?kind=partner_solution.deactivated', payer.apiKey).then(async (d) => [...(d?.items ?? []), ...((await get<{ items: Array<{ kind: string; severity: string }> }>('/v1/alerts?kind=partner_solution.rejected', payer.apiKey))?.items ?? [])]),
      (k) => k.length >= 2,
    );
    expect(kinds.map((k) => [k.kind, k.severity])).toEqual([['partner_solution.deactivated', 'critical'], ['partner_solution.rejected', 'warning']]);
    await eventually(async () => receiver.deliveredCounts().size, (n) => n === 4);
  });

  it('answers "may I send" with the reason and the end of a pause', async () => {
    const t = Math.floor(Date.now() / 1000) - 600;
    const body = envelope([{ wabaId: '555', time: t, field: 'message_template_status_update', value: { event: 'PAUSED', message_template_id: 7, message_template_name: 'promo_pause', message_template_language: 'pt_BR', reason: 'NONE', other_info: { title: 'FIRST_PAUSE', description: 'low quality' } } }]);
    expect((await post(body)).status).toBe(200);
    const ends = new Date((t + 3 * 3600) * 1000).toISOString();
    const now = await eventually(() => get<{ allowed: boolean; reason: string; until: string | null }>('/v1/templates/promo_pause/pt-BR/can-send'), (c) => c.reason === 'PAUSED');
    expect(now).toMatchObject({ allowed: false, until: ends });
    const later = await get<{ allowed: boolean; reason: string }>(`/v1/templates/promo_pause/pt_BR/can-send?at=${encodeURIComponent(new Date(Date.parse(ends) + 1000).toISOString())}`);
    expect(later).toMatchObject({ allowed: true, reason: 'PAUSE_ELAPSED' });
    expect(await get<{ allowed: boolean; reason: string }>('/v1/templates/never_seen/en_US/can-send')).toMatchObject({ allowed: true, reason: 'UNKNOWN_TEMPLATE' });
    expect(await get<{ allowed: boolean; reason: string }>('/v1/templates/abandoned_cart/en/can-send')).toMatchObject({ allowed: false, reason: 'REJECTED' });
  });

  it('reports readiness with the consumer state', async () => {
    const res = await fetch(`${monitor.url}/health/ready`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { details: { consumer: { state: string } } }).details.consumer.state).toBe('running');
    expect((await fetch(`${monitor.url}/metrics`)).status).toBe(200);
  });

  it('rebuilds the projections from the event store to exactly what live processing wrote', async () => {
    await monitor.stop();
    const snapshot = async () =>
      db.query(
        `SELECT 't' AS k, template_key AS id, jsonb_build_object('s', state, 'c', jsonb_build_array(waba_id, name, language, template_id, status, quality, category, pause_ends_at, last_event_at, last_position)) AS v
         FROM template_states WHERE tenant_id = ANY($1)
         UNION ALL SELECT 'h', kind || '|' || waba_id || '|' || subject, jsonb_build_object('s', state, 'p', last_position) FROM waba_health WHERE tenant_id = ANY($1)
         ORDER BY 1, 2`,
        [[tenant.id, other.id, payer.id]],
      ).then((r) => r.rows);
    const live = await snapshot();
    expect(live.length).toBeGreaterThan(10);
    const out = execFileSync(process.execPath, [resolve(__dirname, '../../../dist/apps/template-monitor/src/rebuild.js')], { env: { ...process.env, DATABASE_URL: testDatabaseUrl('template-monitor'), NODE_OPTIONS: '', LOG_LEVEL: 'warn' } }).toString();
    expect(JSON.parse(out.trim().split('\n').pop()!)).toMatchObject({ events: expect.any(Number) });
    expect(await snapshot()).toEqual(live);
  });
});
