import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';

import { Client } from 'pg';

import { provisionTenant, ProvisionedTenant, SpawnedApp, testConfig, testDatabaseUrl } from '@wahooks/testing';

import { FakeSmsProvider } from './fake-sms-provider';
import { poster, shuffle, statusesBody, StatusSpec } from './webhooks';

const config = testConfig();
const N = 60;
const SECRET = 'fake-provider-signing-secret';

describe('fallback trigger: exactly one SMS per 131026 failure through duplicates, shuffling, provider trouble and a SIGKILL', () => {
  // The provider fails its first calls, sends-then-times-out every 5th call, and fails every 9th.
  const provider = new FakeSmsProvider(SECRET, (n) => (n <= 6 || n % 9 === 0 ? 'fail' : n % 5 === 0 ? 'hang-after-sending' : 'ok'));
  const group = `fallback-crash-${randomBytes(4).toString('hex')}`;
  const env = () => ({
    CONSUMER_GROUP_ID: group,
    CONSUMER_START_FROM: 'latest',
    FALLBACK_SMS_URL: provider.url,
    EGRESS_ALLOW: new URL(provider.url).host,
    FALLBACK_SMS_SECRET: SECRET,
    FALLBACK_SMS_TIMEOUT_MS: '400',
    FALLBACK_SMS_BACKOFF_BASE_MS: '50',
    FALLBACK_SMS_BACKOFF_CAP_MS: '400',
    FALLBACK_SMS_MAX_ATTEMPTS: '20',
    FALLBACK_SMS_POLL_MS: '50',
  });
  const intake = new SpawnedApp('intake', {});
  let app: SpawnedApp;
  const db = new Client({ connectionString: testDatabaseUrl('owner') });
  let tenant: ProvisionedTenant;

  beforeAll(async () => {
    await provider.start();
    await db.connect();
    app = new SpawnedApp('fallback-trigger', env());
    await Promise.all([intake.start(), app.start()]);
    tenant = await provisionTenant(intake.adminUrl, config.adminApi.token, 'fbcrash');
  });

  afterAll(async () => {
    await Promise.all([intake.stop(), app.stop()]);
    await provider.stop();
    await db.end();
  });

  const smsRows = async () =>
    (await db.query(`SELECT wamid, status, idempotency_key, attempts FROM fallback_sms WHERE tenant_id = $1 ORDER BY wamid`, [tenant.id])).rows as Array<{
      wamid: string;
      status: string;
      idempotency_key: string;
      attempts: number;
    }>;
  const projection = async () =>
    (await db.query(`SELECT wamid, internal_message_id, recipient, error_code, error_class, action, reason, sms_status, superseded_by, decided_at, awaiting_since, state, last_position FROM fallback_message WHERE tenant_id = $1 ORDER BY wamid`, [tenant.id])).rows;

  it('sends exactly N SMS, one per message, with one idempotency key each', async () => {
    const wamids = Array.from({ length: N }, (_, i) => `wamid.fbcrash-${tenant.id}-${i}`);
    const t0 = 1_750_000_000;
    const statuses: StatusSpec[] = wamids.flatMap((wamid, i) => [
      { wamid, status: 'sent', ts: t0 + i, recipient: `1555${String(2_000_000 + i)}` },
      { wamid, status: 'failed', ts: t0 + i + 1, recipient: `1555${String(2_000_000 + i)}`, codes: [131026] },
    ]);
    // Meta retries and fan-out: shuffled, in POSTs of 8, every third POST delivered twice, failures repeated in their own POSTs too.
    const shuffled = shuffle(statuses, 11);
    const posts: string[] = [];
    for (let i = 0; i < shuffled.length; i += 8) posts.push(statusesBody(shuffled.slice(i, i + 8)));
    const failures = statuses.filter((s) => s.status === 'failed');
    for (let i = 0; i < failures.length; i += 20) posts.push(statusesBody(failures.slice(i, i + 20)));
    const deliveries = shuffle([...posts, ...posts.filter((_, i) => i % 3 === 0)], 5);
    const post = poster(intake.url, tenant);

    const half = Math.floor(deliveries.length / 2);
    for (const body of deliveries.slice(0, half)) await post(body);
    // Kill it once SMS are going out, in the middle of the provider's trouble.
    const deadline = Date.now() + 30_000;
    while (provider.sent.size < 5 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(provider.sent.size).toBeGreaterThanOrEqual(5);
    await app.kill();
    for (const body of deliveries.slice(half)) await post(body);
    app = new SpawnedApp('fallback-trigger', env());
    await app.start();

    const done = Date.now() + 90_000;
    let rows = await smsRows();
    while (Date.now() < done && !(rows.length === N && rows.every((r) => r.status === 'sent'))) {
      await new Promise((r) => setTimeout(r, 200));
      rows = await smsRows();
    }
    expect(rows).toHaveLength(N);
    expect(rows.every((r) => r.status === 'sent')).toBe(true);

    // The provider's view, independent of ours: N distinct keys, N SMS, one per message and number.
    const mine = [...provider.sent.values()].filter((s) => s.tenantId === tenant.id);
    expect(mine).toHaveLength(N);
    expect(new Set(mine.map((s) => s.wamid))).toEqual(new Set(wamids));
    expect(new Set(mine.map((s) => s.to)).size).toBe(N);
    expect(provider.keys.size).toBe(N);
    expect(new Set(rows.map((r) => r.idempotency_key))).toEqual(provider.keys);
    expect(provider.badSignatures).toBe(0);
    // Trouble really happened: more calls than SMS.
    expect(provider.requests).toBeGreaterThan(N);

    // Only the news is stored: each message's failure once, and its sent only when it came first (it
    // named the recipient before the failure did); repeats, replays and a sent after the failure are left out.
    const stored = (await db.query(`SELECT data->>'status' AS status, count(*)::int AS n FROM events WHERE tenant_id = $1 AND type = 'fallback.status' GROUP BY 1`, [tenant.id])).rows as Array<{ status: string; n: number }>;
    const count = (s: string) => stored.find((r) => r.status === s)?.n ?? 0;
    expect(count('failed')).toBe(N);
    expect(count('sent')).toBeLessThan(N);
    expect(stored.map((r) => r.status).sort()).toEqual(count('sent') > 0 ? ['failed', 'sent'] : ['failed']);

    const view = await fetch(`${app.url}/v1/fallbacks/${encodeURIComponent(wamids[0]!)}`, { headers: { 'x-api-key': tenant.apiKey } });
    expect(view.status).toBe(200);
    expect(await view.json()).toMatchObject({ errorCode: 131026, errorClass: 'permanent-recipient', action: 'sms-fallback', sms: { status: 'sent', reason: 'undeliverable' } });
  });

  it('rebuilds the projections from the event store to exactly what live processing produced, sending nothing', async () => {
    const live = await projection();
    expect(live).toHaveLength(N);
    const requestsBefore = provider.requests;
    await app.stop();
    const out = execFileSync(process.execPath, [resolve(__dirname, '../../../dist/apps/fallback-trigger/src/rebuild.js')], {
      env: { ...process.env, DATABASE_URL: testDatabaseUrl('fallback-trigger'), NODE_OPTIONS: '', LOG_LEVEL: 'warn' },
      encoding: 'utf8',
    });
    expect(JSON.parse(out.trim().split('\n').pop() ?? '{}')).toHaveProperty('events');
    expect(await projection()).toEqual(live);
    app = new SpawnedApp('fallback-trigger', env());
    await app.start();
    await new Promise((r) => setTimeout(r, 1000));
    expect(provider.requests).toBe(requestsBefore);
  });
});
