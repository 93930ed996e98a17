import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';

import { Client } from 'pg';

import { StatusTopics } from '@wahooks/events-contract';
import { provisionTenant, ProvisionedTenant, signLikeMeta, SpawnedApp, testConfig, testDatabaseUrl, TopicReader } from '@wahooks/testing';

const config = testConfig();
const MESSAGES = 150;
const STEPS = ['sent', 'delivered', 'read'] as const;

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

function envelope(statuses: Array<{ wamid: string; status: string; ts: number }>): string {
  return JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [
      {
        id: '1',
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: '1', phone_number_id: '1000' },
              statuses: statuses.map((s) => ({ id: s.wamid, status: s.status, timestamp: String(s.ts), recipient_id: '15550001111' })),
            },
          },
        ],
      },
    ],
  });
}

/** Meta's automatic_events purchase, detected in one of the messages (custom_data only on purchases). */
function conversionEnvelope(wamids: string[], ts: number): string {
  return JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [
      {
        id: '1',
        changes: [
          {
            field: 'automatic_events',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: '1', phone_number_id: '1000' },
              automatic_events: wamids.map((wamid, i) => ({ id: wamid, event_name: 'Purchase', timestamp: ts + i, ctwa_clid: `clid-${i}`, custom_data: { currency: 'USD', value: 25000 + i } })),
            },
          },
        ],
      },
    ],
  });
}

describe('status projector: crash mid-stream, duplicates, reordering, rebuild', () => {
  const group = `status-crash-${randomBytes(4).toString('hex')}`;
  // The statuses are stamped in 2023: with the default limits, the stall scan a restarted projector runs at once would
  // flag the messages its consumer has not caught up on yet, and add events this test does not count. Stalls are tested elsewhere.
  const neverStalls = String(10 * 365 * 86_400_000);
  const env = { CONSUMER_GROUP_ID: group, CONSUMER_START_FROM: 'latest', STALL_ACCEPTED_TO_SENT_MS: neverStalls, STALL_SENT_TO_DELIVERED_MS: neverStalls };
  const intake = new SpawnedApp('intake', {});
  let projector = new SpawnedApp('status-projector', env);
  const changes = new TopicReader(config.kafka.brokers);
  const db = new Client({ connectionString: testDatabaseUrl('owner') });
  let tenant: ProvisionedTenant;

  beforeAll(async () => {
    await db.connect();
    await changes.start([StatusTopics.statusChanged]);
    await Promise.all([intake.start(), projector.start()]);
    tenant = await provisionTenant(intake.adminUrl, config.adminApi.token, 'crash');
  });

  afterAll(async () => {
    await changes.stop();
    await Promise.all([intake.stop(), projector.stop()]);
    await db.end();
  });

  const rows = async () =>
    (
      await db.query(
        `SELECT wamid, current_status, state, stalls, error_codes, first_seen_at, last_event_at, sent_at, delivered_at, read_at, last_position
         FROM message_status WHERE tenant_id = $1 ORDER BY wamid`,
        [tenant.id],
      )
    ).rows;

  it('applies every status exactly once although the consumer is SIGKILLed mid-stream', async () => {
    const t0 = 1_700_000_000;
    const statuses = Array.from({ length: MESSAGES }, (_, i) => `wamid.crash-${tenant.id}-${i}`).flatMap((wamid, i) =>
      STEPS.map((status, k) => ({ wamid, status, ts: t0 + i + k })),
    );
    // Shuffled, in POSTs of 15, a fifth of the POSTs delivered twice (Meta's retries and fan-out).
    const shuffled = shuffle(statuses, 42);
    const posts: string[] = [];
    for (let i = 0; i < shuffled.length; i += 15) posts.push(envelope(shuffled.slice(i, i + 15)));
    // A purchase detected in every fifth message, in POSTs of 6, mixed in with the statuses: they never move a status.
    const converted = Array.from({ length: MESSAGES }, (_, i) => `wamid.crash-${tenant.id}-${i}`).filter((_, i) => i % 5 === 0);
    for (let i = 0; i < converted.length; i += 6) posts.push(conversionEnvelope(converted.slice(i, i + 6), t0 + 100));
    const deliveries = shuffle([...posts, ...posts.filter((_, i) => i % 5 === 0)], 7);
    const send = (body: string) =>
      fetch(`${intake.url}/webhooks/whatsapp/${tenant.id}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-hub-signature-256': signLikeMeta(body, tenant.secret) },
        body,
      }).then((r) => expect(r.status).toBe(200));

    const half = Math.floor(deliveries.length / 2);
    await Promise.all(deliveries.slice(0, half).map(send));
    // Let the consumer get into the stream, then kill it without any shutdown.
    const deadline = Date.now() + 20_000;
    while ((await rows()).length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await projector.kill();
    await Promise.all(deliveries.slice(half).map(send));
    projector = new SpawnedApp('status-projector', env);
    await projector.start();

    const done = Date.now() + 60_000;
    let current = await rows();
    while (Date.now() < done && !(current.length === MESSAGES && current.every((r) => r.current_status === 'read'))) {
      await new Promise((r) => setTimeout(r, 200));
      current = await rows();
    }
    expect(current).toHaveLength(MESSAGES);
    expect(current.every((r) => r.current_status === 'read')).toBe(true);
    expect(current.every((r) => (r.state as { timeline: unknown[] }).timeline.length === 3)).toBe(true);
    const withConversions = async () => (await rows()).filter((r) => (r.state as { conversions: unknown[] }).conversions.length > 0);
    const waitUntil = Date.now() + 30_000;
    while ((await withConversions()).length < converted.length && Date.now() < waitUntil) await new Promise((r) => setTimeout(r, 200));
    expect((await withConversions()).map((r) => r.wamid as string).sort()).toEqual([...converted].sort());
    expect((await withConversions()).every((r) => r.current_status === 'read' && (r.state as { conversions: unknown[] }).conversions.length === 1)).toBe(true);

    // The store holds each status and conversion once: duplicates and the replay after the kill added nothing.
    // Stalls left out: another projector of a parallel test file scans every tenant's rows with its own limits.
    const counts = await db.query(`SELECT count(*)::int AS n, count(DISTINCT idempotency_key)::int AS k FROM events WHERE tenant_id = $1 AND type <> 'message.stalled'`, [tenant.id]);
    const stored = MESSAGES * STEPS.length + converted.length;
    expect(counts.rows[0]).toEqual({ n: stored, k: stored });

    // Published changes: at least once on the wire, exactly once after deduplicating on the idempotency key.
    await changes.waitFor((rs) => rs.filter((r) => r.headers['wahooks-tenant-id'] === tenant.id && r.value?.toString().includes('"to":"read"')).length >= MESSAGES);
    const mine = changes.records.filter((r) => r.headers['wahooks-tenant-id'] === tenant.id);
    const keys = new Set(mine.map((r) => r.headers['wahooks-idempotency-key']));
    const logical = [...keys].map((k) => k?.split(':').slice(1).join(':'));
    expect(new Set(logical).size).toBe(keys.size);
    expect([...keys].filter((k) => k?.endsWith(':read'))).toHaveLength(MESSAGES);
  });

  it('rebuilds the projection from the event store to exactly what live processing produced', async () => {
    const live = await rows();
    expect(live.length).toBe(MESSAGES);
    await projector.stop();
    const out = execFileSync(process.execPath, [resolve(__dirname, '../../../dist/apps/status-projector/src/rebuild.js')], {
      env: { ...process.env, DATABASE_URL: testDatabaseUrl('status-projector'), NODE_OPTIONS: '', LOG_LEVEL: 'warn' },
      encoding: 'utf8',
    });
    expect(JSON.parse(out.trim().split('\n').pop() ?? '{}')).toHaveProperty('events');
    expect(await rows()).toEqual(live);
    projector = new SpawnedApp('status-projector', env);
    await projector.start();
  });
});
