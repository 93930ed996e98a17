import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { Client as Pg } from 'pg';

import { InboundTopics } from '@wahooks/events-contract';
import { ProvisionedTenant, SpawnedApp, testConfig, testDatabaseUrl, TopicReader, unset } from '@wahooks/testing';

import { bytesOf, FakeGraph, Generated, generatedSha256, Plan } from './fake-graph';
import { Client, contact, eventually, image, inbound, memoryOf, nowSec, PHONE, resetPeakMemory, tenants, text, wamid } from './harness';
import { expectedType, FixtureMessage, inboundFixtures, spreadOverTenants } from './inbound-fixtures';

const config = testConfig();
const TOKEN = `graph-token-${randomBytes(6).toString('hex')}`;
const H = 3600;
const MiB = 1024 * 1024;
/** INBOUND_MEDIA_MAX_BYTES of the app under test: small, yet above a medium large enough to stand out of the process's memory noise. */
const MAX_BYTES = 80 * MiB;
const BIG = 64 * MiB;

interface View {
  wamid: string;
  type: string;
  wireType: string | null;
  timestamp: string;
  timestampSource: 'meta' | 'received';
  contactId: string;
  conversationId: string;
  phoneNumberId: string;
  customer: { waId: string | null; userId: string | null; profileName: string | null };
  context: { replyTo: { wamid: string; internalMessageId: string | null } | null; forwarded: boolean } | null;
  referral: { ctwaClid?: string } | null;
  errors: Array<{ code?: number }>;
  media: { id: string; status?: string; attempts?: number; lastError?: string | null } | null;
  conversation: { firstMessage: boolean; windowOpenBefore: boolean | null; reopened: boolean; window: { open: boolean; expiresAt: string | null } };
  raw?: unknown;
}
interface ContactAnswer {
  contactId: string;
  waId: string | null;
  identities: string[];
  profileNames: Array<{ name: string }>;
  numberChanges: Array<{ fromWaId: string | null; toWaId: string; wamid: string }>;
  conversations: Array<{ conversationId: string; messageCount: number; window: { open: boolean; expiresAt: string | null } }>;
}
interface WindowAnswer {
  open: boolean;
  expiresAt: string | null;
  conversationId: string | null;
  freeEntryPoint: { open: boolean; expiresAt: string } | null;
}

const plan = (mediaId: string): Plan => {
  if (mediaId.startsWith('flaky-')) return (step, n) => (step === 'info' && n <= 2 ? 'fail-500' : 'ok');
  if (mediaId.startsWith('slow-')) return (step, n) => (step === 'info' && n === 1 ? 'hang' : 'ok');
  if (mediaId.startsWith('corrupt-')) return (step, n) => (step === 'file' && n === 1 ? 'bad-bytes' : 'ok');
  if (mediaId.startsWith('gone-')) return () => 'not-found';
  if (mediaId.startsWith('down-')) return () => 'fail-500';
  if (mediaId.startsWith('cut-')) return (step, n) => (step === 'file' && n === 1 ? 'cut-short' : 'ok');
  if (mediaId.startsWith('stall-')) return (step, n) => (step === 'file' && n === 1 ? 'stall' : 'ok');
  return () => 'ok';
};

/** Large media, streamed by the fake as they are sent. */
const generated = (mediaId: string): Generated | undefined => {
  // Under the cap, declared: stored whole.
  if (mediaId.startsWith('big-')) return { size: BIG };
  if (mediaId.startsWith('warm-')) return { size: 20 * MiB };
  // Over the cap, nothing declared (chunked): cut off while streaming.
  if (mediaId.startsWith('huge-')) return { size: 100 * MiB, contentLength: 'none', fileSize: false };
  // Over the cap by its Content-Length: refused before the body is read.
  if (mediaId.startsWith('declared-')) return { size: 1024 * MiB, fileSize: false, sha256: false };
  // Over the cap by Graph's file_size: the file is not even requested.
  if (mediaId.startsWith('bigmeta-')) return { size: 200 * MiB, sha256: false };
  // Content-Length says 1000, 30 MiB follow: HTTP/1.1 framing delivers 1000 bytes, which fail the sha256.
  if (mediaId.startsWith('lying-')) return { size: 30 * MiB, contentLength: 1000, fileSize: false };
  return undefined;
};

describe('inbound-reply end to end: intake → Kafka → inbound-reply → read API and topics', () => {
  const fixtures = inboundFixtures();
  const groups = spreadOverTenants(fixtures);
  const graph = new FakeGraph(TOKEN, plan, generated);
  const intake = new SpawnedApp('intake', {});
  let app: SpawnedApp;
  let api: Client;
  const topics = new TopicReader(config.kafka.brokers);
  const db = new Pg({ connectionString: testDatabaseUrl('owner') });
  let fixtureTenants: ProvisionedTenant[];
  let tenant: ProvisionedTenant;
  let other: ProvisionedTenant;
  let unconfigured: ProvisionedTenant;
  let appEnv: Record<string, string>;
  const published = (topic: string, id: string) => topics.records.filter((r) => r.topic === topic && r.value?.toString().includes(`"wamid":"${id}"`));

  beforeAll(async () => {
    await Promise.all([graph.start(), db.connect(), topics.start(Object.values(InboundTopics)), intake.start()]);
    const all = await tenants(intake.adminUrl, config.adminApi.token, groups.length + 3);
    [tenant, other, unconfigured] = all as [ProvisionedTenant, ProvisionedTenant, ProvisionedTenant];
    fixtureTenants = all.slice(3);
    const graphConfig = Object.fromEntries([tenant, other, ...fixtureTenants].map((t) => [t.id, { accessToken: TOKEN, baseUrl: graph.url, version: 'v23.0' }]));
    appEnv = {
      CONSUMER_GROUP_ID: `inbound-test-${randomBytes(4).toString('hex')}`,
      CONSUMER_START_FROM: 'latest',
      INBOUND_GRAPH_CONFIG: JSON.stringify(graphConfig),
      // The fake Graph API listens on 127.0.0.1: outbound calls reach it only when EGRESS_ALLOW names it.
      EGRESS_ALLOW: new URL(graph.url).host,
      MEDIA_STORAGE_DIR: mkdtempSync(join(tmpdir(), 'wahooks-media-')),
      INBOUND_MEDIA_POLL_MS: '100',
      INBOUND_MEDIA_TIMEOUT_MS: '3000',
      INBOUND_MEDIA_IDLE_TIMEOUT_MS: '2000',
      INBOUND_MEDIA_DOWNLOAD_TIMEOUT_MS: '30000',
      INBOUND_MEDIA_MAX_BYTES: String(MAX_BYTES),
      INBOUND_MEDIA_BACKOFF_BASE_MS: '50',
      INBOUND_MEDIA_BACKOFF_CAP_MS: '200',
      INBOUND_MEDIA_MAX_ATTEMPTS: '4',
    };
    // Without the secrets it does not read (the test's environment has them all): it starts without them (docs/configuration.md).
    app = new SpawnedApp('inbound-reply', { ...appEnv, ...unset('ADMIN_API_TOKEN', 'SECRETS_ENCRYPTION_KEY', 'PLATFORM_APP_SECRETS', 'PLATFORM_VERIFY_TOKEN') });
    await app.start();
    api = new Client(intake, app);
  });

  afterAll(async () => {
    await topics.stop();
    await Promise.all([intake.stop(), app?.stop(), graph.stop()]);
    await db.end();
  });

  it('turns every inbound fixture into the right message, contact and conversation, and publishes it', async () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(60);
    // Every payload twice: Meta's retries change nothing.
    for (const [i, group] of groups.entries()) for (const f of [...group, ...group]) expect((await api.post(fixtureTenants[i]!, f.body)).status).toBe(200);
    for (const [i, group] of groups.entries()) {
      const t = fixtureTenants[i]!;
      // A wamid repeated inside one payload is one message (the first), as Meta's retries are.
      const expected = [...new Map(group.flatMap((f) => f.messages).reverse().map((m) => [m.wamid, m] as const)).values()];
      for (const m of expected) await checkMessage(t, m);
      const conversations = new Map<string, string[]>();
      for (const m of expected) {
        const v = await api.found<View>(t, `/v1/inbound/messages/${encodeURIComponent(m.wamid)}`);
        conversations.set(v.conversationId, [...(conversations.get(v.conversationId) ?? []), m.wamid]);
      }
      for (const [id, wamids] of conversations) {
        const conv = await api.found<{ messageCount: number; messages: View[] }>(t, `/v1/inbound/conversations/${id}`);
        expect(conv.messages.map((x) => x.wamid).sort()).toEqual([...wamids].sort());
        expect(conv.messageCount).toBe(wamids.length);
        const order = conv.messages.map((x) => Date.parse(x.timestamp));
        expect(order).toEqual([...order].sort((a, b) => a - b));
      }
    }
    const all = groups.flatMap((g) => g.flatMap((f) => f.messages));
    await topics.waitFor(() => all.every((m) => published(InboundTopics.messages, m.wamid).length > 0));
    for (const m of all.filter((x) => x.wireType !== 'system')) expect(published(InboundTopics.customerReplied, m.wamid).length).toBeGreaterThan(0);
  });

  async function checkMessage(t: ProvisionedTenant, m: FixtureMessage): Promise<void> {
    const v = await api.found<View>(t, `/v1/inbound/messages/${encodeURIComponent(m.wamid)}`);
    // Without a usable Meta timestamp, intake's receive time stands in (and says so).
    const at = m.timestamp === null ? v.timestamp : new Date(m.timestamp * 1000).toISOString();
    expect({ wamid: m.wamid, type: v.type, wireType: v.wireType, at: v.timestamp, source: v.timestampSource, phone: v.phoneNumberId }).toEqual({ wamid: m.wamid, type: expectedType(m.wireType), wireType: m.wireType, at, source: m.timestamp === null ? 'received' : 'meta', phone: m.phoneNumberId });
    expect(v.context?.replyTo?.wamid).toBe(m.contextId);
    expect(v.context?.forwarded ?? false).toBe(m.forwarded);
    expect(v.referral?.ctwaClid).toBe(m.ctwaClid);
    expect(v.errors.map((e) => e.code)).toEqual(m.errorCodes);
    if (expectedType(m.wireType) === 'unsupported' || expectedType(m.wireType) === 'unknown') expect(v.raw).toBeDefined();
    if (m.mediaId) expect(v.media?.id).toBe(m.mediaId);
    expect(m.customer).toBeDefined();
    const c = await api.found<{ contactId: string; profileNames: Array<{ name: string }>; conversations: Array<{ conversationId: string }> }>(t, `/v1/inbound/contacts/${encodeURIComponent(m.customer!)}`);
    expect(c.contactId).toBe(v.contactId);
    expect(c.conversations.map((x) => x.conversationId)).toContain(v.conversationId);
    if (m.profileName) expect(c.profileNames.map((n) => n.name)).toContain(m.profileName);
    if (m.newWaId) expect((await api.found<{ contactId: string; numberChanges: unknown[] }>(t, `/v1/inbound/contacts/${encodeURIComponent(m.newWaId)}`)).contactId).toBe(v.contactId);
  }

  it('keeps the 24-hour window right across the boundary, with reordered and duplicated messages', async () => {
    const now = nowSec();
    const [a1, a2, b1, b0, b2] = [wamid('a1'), wamid('a2'), wamid('b1'), wamid('b0'), wamid('b2')];
    // Customer A: the newer message arrives first, then the older, then the newer again.
    for (const body of [inbound([text(a2, '15550000001', now - 23 * H)], [contact('15550000001')]), inbound([text(a1, '15550000001', now - 30 * H)], [contact('15550000001')]), inbound([text(a2, '15550000001', now - 23 * H)], [contact('15550000001')])]) {
      expect((await api.post(tenant, body)).status).toBe(200);
    }
    const win = (customer: string) => api.found<WindowAnswer>(tenant, `/v1/inbound/window?phoneNumberId=${PHONE}&customer=${customer}`);
    const a = await eventually(() => win('15550000001'), (w) => w.conversationId !== null && w.expiresAt === new Date((now - 23 * H + 24 * H) * 1000).toISOString());
    expect(a.open).toBe(true);
    const conv = await api.found<{ messageCount: number; firstMessage: { wamid: string }; messages: View[] }>(tenant, `/v1/inbound/conversations/${a.conversationId}`, (c) => c.messageCount === 2);
    expect(conv.firstMessage.wamid).toBe(a1);
    expect(conv.messages.map((m) => m.wamid)).toEqual([a1, a2]);
    // Context as processed: a2 came first (first, window was closed); a1 is older still, so also first.
    expect(conv.messages.map((m) => [m.conversation.firstMessage, m.conversation.windowOpenBefore])).toEqual([[true, false], [true, false]]);

    // Customer B: last message 24 h and 1 min ago: closed; an older late message changes nothing; a new one reopens.
    await api.post(tenant, inbound([text(b1, '15550000002', now - 24 * H - 60)], [contact('15550000002')]));
    const closed = await eventually(() => win('15550000002'), (w) => w.conversationId !== null);
    expect([closed.open, closed.expiresAt]).toEqual([false, new Date((now - 60) * 1000).toISOString()]);
    await api.post(tenant, inbound([text(b0, '15550000002', now - 48 * H)], [contact('15550000002')]));
    await api.found<View>(tenant, `/v1/inbound/messages/${b0}`);
    expect(await win('15550000002')).toMatchObject({ open: false, expiresAt: closed.expiresAt });
    await api.post(tenant, inbound([text(b2, '15550000002', now - 60)], [contact('15550000002')]));
    const reopened = await api.found<View>(tenant, `/v1/inbound/messages/${b2}`);
    expect(reopened.conversation).toMatchObject({ firstMessage: false, windowOpenBefore: false, reopened: true, window: { open: true } });
    expect((await win('15550000002')).open).toBe(true);
    // Unknown customers have a closed window.
    expect(await win('19999999999')).toMatchObject({ open: false, expiresAt: null, conversationId: null });
  });

  it('opens the 72-hour free entry point for a click-to-WhatsApp ad reply', async () => {
    const id = wamid('ctwa');
    const referral = { source_url: 'https://fb.me/x', source_id: 'ad1', source_type: 'ad', ctwa_clid: 'clid-1' };
    await api.post(tenant, inbound([text(id, '15550000003', nowSec() - 48 * H, { referral })], [contact('15550000003')]));
    const w = await eventually(() => api.found<WindowAnswer>(tenant, `/v1/inbound/window?phoneNumberId=${PHONE}&customer=15550000003`), (x) => x.conversationId !== null);
    expect(w.open).toBe(false);
    expect(w.freeEntryPoint?.open).toBe(true);
    expect(Date.parse(w.freeEntryPoint!.expiresAt) - Date.now()).toBeGreaterThan(23 * H * 1000);
  });

  it('links a reply to our internal id of the message it answers, and tells follow-up systems the customer replied', async () => {
    const [ours, later, reply, reply2] = [wamid('ours'), wamid('later'), wamid('reply'), wamid('reply2')];
    await db.query(`INSERT INTO message_status (tenant_id, wamid, internal_message_id, state, last_position) VALUES ($1, $2, 'int-42', '{}', 0)`, [tenant.id, ours]);
    await api.post(tenant, inbound([{ ...text(reply, '15550000004', nowSec()), context: { from: '15550001111', id: ours } }], [contact('15550000004')]));
    const v = await api.found<View>(tenant, `/v1/inbound/messages/${reply}`);
    expect(v.context?.replyTo).toMatchObject({ wamid: ours, internalMessageId: 'int-42' });
    const [event] = await topics.waitFor(() => published(InboundTopics.customerReplied, reply).length > 0).then(() => published(InboundTopics.customerReplied, reply));
    expect(JSON.parse(event!.value!.toString())).toMatchObject({ tenantId: tenant.id, wamid: reply, inReplyTo: { wamid: ours, internalMessageId: 'int-42' } });
    expect(event!.key).toBe(tenant.id);
    // The ledger learns of our message only after the reply arrived: the read API still links them.
    await api.post(tenant, inbound([{ ...text(reply2, '15550000004', nowSec()), context: { from: '15550001111', id: later } }], [contact('15550000004')]));
    expect((await api.found<View>(tenant, `/v1/inbound/messages/${reply2}`)).context?.replyTo?.internalMessageId).toBeNull();
    await db.query(`INSERT INTO message_status (tenant_id, wamid, internal_message_id, state, last_position) VALUES ($1, $2, 'int-43', '{}', 0)`, [tenant.id, later]);
    expect((await api.found<View>(tenant, `/v1/inbound/messages/${reply2}`)).context?.replyTo?.internalMessageId).toBe('int-43');
  });

  it('downloads media off the hot path, through failures, and records stored and failed', async () => {
    const ids = ['ok', 'flaky', 'slow', 'corrupt', 'gone', 'down'].map((k) => [k, wamid(k), `${k}-${randomBytes(3).toString('hex')}`] as const);
    const missing = wamid('noconfig');
    await api.post(tenant, inbound(ids.map(([, w, media], i) => image(w, '15550000005', nowSec() - i, media)), [contact('15550000005')]));
    await api.post(unconfigured, inbound([image(missing, '15550000006', nowSec(), 'mx-1')], [contact('15550000006')]));
    const media = (w: string, t = tenant) => api.found<{ status: string; attempts: number; lastError: string | null }>(t, `/v1/inbound/media/${w}`, (m) => m.status !== 'pending');
    for (const [kind, w, mediaId] of ids) {
      const m = await media(w);
      const want = { ok: ['stored', 1], flaky: ['stored', 3], slow: ['stored', 2], corrupt: ['stored', 2], gone: ['failed', 1], down: ['failed', 4] }[kind]!;
      expect([kind, m.status, m.attempts]).toEqual([kind, ...want]);
      if (m.status === 'stored') {
        const content = await api.get<Buffer>(tenant, `/v1/inbound/media/${w}/content`);
        expect(content.status).toBe(200);
        expect(content.body.equals(bytesOf(mediaId))).toBe(true);
      }
      await topics.waitFor(() => published(InboundTopics.media, w).length > 0);
      expect(JSON.parse(published(InboundTopics.media, w)[0]!.value!.toString())).toMatchObject({ kind: `media.${m.status}`, wamid: w, mediaId });
    }
    expect((await media(missing, unconfigured)).lastError).toMatch(/no Graph API access token/);
    expect(graph.calls.every((c) => c.authorized)).toBe(true);
    expect(app.output.join('')).not.toContain(TOKEN);
  });

  it('streams media to storage and back in bounded memory, and refuses media over the cap, leaving nothing behind', async () => {
    const ids = ['big', 'huge', 'declared', 'bigmeta', 'lying', 'cut', 'stall'].map((k) => [k, wamid(k), `${k}-${randomBytes(3).toString('hex')}`] as const);
    const [big, ...others] = ids;
    const pid = app.pid!;
    const media = (w: string) => api.found<{ status: string; attempts: number; lastError: string | null; sizeBytes: number | null; sha256: string | null }>(tenant, `/v1/inbound/media/${w}`, (m) => m.status !== 'pending', 60_000);
    /** Downloads one large medium (alone, so the peak memory seen is its own) and reads it back through the API. */
    const roundTrip = async (w: string, mediaId: string, size: number) => {
      const sha256 = generatedSha256(size);
      const before = memoryOf(pid);
      resetPeakMemory(pid);
      await api.post(tenant, inbound([image(w, '15550000009', nowSec(), mediaId)], [contact('15550000009')]));
      expect(await media(w)).toMatchObject({ status: 'stored', attempts: 1, sizeBytes: size, sha256 });
      const downloaded = memoryOf(pid);
      resetPeakMemory(pid);
      const res = await fetch(`${app.url}/v1/inbound/media/${w}/content`, { headers: { 'x-api-key': tenant.apiKey } });
      expect([res.status, res.headers.get('content-length'), res.headers.get('content-type')]).toEqual([200, String(size), 'image/jpeg']);
      const hash = createHash('sha256');
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) hash.update(chunk);
      expect(hash.digest('hex')).toBe(sha256);
      const served = memoryOf(pid);
      return { downloadKiB: downloaded.peakKiB - before.rssKiB, serveKiB: served.peakKiB - downloaded.rssKiB };
    };
    // The first large stream grows the process once (fetch's lazy parts, allocator pools, by some 70 MB): not measured.
    await roundTrip(wamid('warm'), `warm-${randomBytes(3).toString('hex')}`, 20 * MiB);
    const growth = await roundTrip(big![1], big![2], BIG);
    // Neither the download nor the answer held the 64 MiB medium: the peak rose by well under its size. It rises
    // at all by chunks the GC has not collected yet (seen: 9-23 MiB); holding the medium whole rose it by 140 MiB.
    expect(growth.downloadKiB).toBeLessThan((BIG / 1024) * 0.75);
    expect(growth.serveKiB).toBeLessThan((BIG / 1024) * 0.75);

    // Hashed here first (the fake caches it): hashing 30 MiB in the fake's handler would hold up its other answers.
    generatedSha256(30 * MiB);
    await api.post(tenant, inbound(others.map(([, w, mediaId], i) => image(w, '15550000009', nowSec() - i, mediaId)), [contact('15550000009')]));
    const want: Record<string, [string, number, RegExp | null]> = {
      huge: ['failed', 1, /^media too large: more than 83886080 bytes/],
      declared: ['failed', 1, /^media too large: 1073741824 bytes, the limit is 83886080/],
      bigmeta: ['failed', 1, /^media too large: 209715200 bytes/],
      lying: ['failed', 4, /sha256 mismatch/],
      cut: ['stored', 2, null],
      stall: ['stored', 2, null],
    };
    for (const [kind, w, mediaId] of others) {
      const m = await media(w);
      expect([kind, m.status, m.attempts]).toEqual([kind, ...want[kind]!.slice(0, 2)]);
      if (want[kind]![2]) expect(m.lastError).toMatch(want[kind]![2]!);
      if (m.status === 'stored') expect((await api.get<Buffer>(tenant, `/v1/inbound/media/${w}/content`)).body.equals(bytesOf(mediaId))).toBe(true);
      else expect((await api.get(tenant, `/v1/inbound/media/${w}/content`)).status).toBe(404);
      await topics.waitFor(() => published(InboundTopics.media, w).length > 0);
      expect(JSON.parse(published(InboundTopics.media, w)[0]!.value!.toString())).toMatchObject({ kind: `media.${m.status}`, wamid: w, mediaId });
    }
    // Refused from its headers, not read: a fraction of the GiB went out. From file_size: never requested.
    expect(graph.sent.get(ids[2]![2])).toBeLessThan(64 * MiB);
    expect(graph.callsFor(ids[3]![2], 'file')).toBe(0);
    // No partial file, no temp file: only the media stored are there.
    const files = readdirSync(appEnv.MEDIA_STORAGE_DIR!, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => e.name);
    expect(files.filter((f) => f.endsWith('.tmp'))).toEqual([]);
    const fileOf = (w: string) => files.filter((f) => f.startsWith(createHash('sha256').update(w).digest('hex')));
    expect(ids.map(([kind, w]) => [kind, fileOf(w).length])).toEqual(ids.map(([kind]) => [kind, ['big', 'cut', 'stall'].includes(kind) ? 1 : 0]));
    const metrics = await (await fetch(`${app.url}/metrics`)).text();
    expect(metrics).toContain(`wahooks_inbound_media_attempts_total{tenant="${tenant.id}",result="too-large"} 3`);
  });

  it('keeps an unknown message type and unreadable content as events, counted, never dropped', async () => {
    const id = wamid('poll');
    await api.post(tenant, inbound([{ from: '15550000007', id, timestamp: String(nowSec()), type: 'poll_vote', poll_vote: { option: 2 } }], [contact('15550000007')], { surprise_field: [{ x: 1 }] }));
    const v = await api.found<View>(tenant, `/v1/inbound/messages/${id}`);
    expect([v.type, v.wireType]).toEqual(['unknown', 'poll_vote']);
    expect(JSON.stringify(v.raw)).toContain('poll_vote');
    const metrics = await eventually(async () => (await fetch(`${app.url}/metrics`)).text(), (t) => t.includes(`wahooks_inbound_unknown_total{tenant="${tenant.id}"`));
    expect(metrics).toMatch(new RegExp(`wahooks_inbound_messages_total\\{tenant="${tenant.id}",type="unknown"\\} 1`));
  });

  it('answers only with the API key of the tenant that owns the data', async () => {
    const id = wamid('private');
    await api.post(tenant, inbound([text(id, '15550000008', nowSec())], [contact('15550000008')]));
    const v = await api.found<View>(tenant, `/v1/inbound/messages/${id}`);
    for (const path of [`/v1/inbound/messages/${id}`, `/v1/inbound/conversations/${v.conversationId}`, '/v1/inbound/contacts/15550000008']) {
      expect((await api.get(other, path)).status).toBe(404);
      expect((await api.get('', path)).status).toBe(401);
    }
    expect((await api.get<WindowAnswer>(other, `/v1/inbound/window?phoneNumberId=${PHONE}&customer=15550000008`)).body.open).toBe(false);
    expect((await api.get(tenant, `/v1/inbound/window?customer=x`)).status).toBe(400);
    const ready = await fetch(`${app.url}/health/ready`);
    expect(((await ready.json()) as { details: { consumer: { state: string } } }).details.consumer.state).toBe('running');
  });

  it('joins a new number whose message is processed before its number-change notice to the old contact', async () => {
    const [OLD, NEW] = ['15550000011', '15550000012'];
    const now = nowSec();
    const [before, fromNew, notice, sentinel] = [wamid('old'), wamid('new'), wamid('changed'), wamid('sentinel')];
    const contactOf = (customer: string) => api.found<ContactAnswer>(tenant, `/v1/inbound/contacts/${customer}`);
    // The old number's last message, 30 h ago: alone, its window would be closed.
    expect((await api.post(tenant, inbound([text(before, OLD, now - 30 * H)], [contact(OLD)]))).status).toBe(200);
    await contactOf(OLD);
    // Meta delivers a message from the new number first: it is processed as a contact of its own.
    expect((await api.post(tenant, inbound([text(fromNew, NEW, now - 2 * H)], [contact(NEW, 'Ann B.')]))).status).toBe(200);
    expect((await contactOf(NEW)).contactId).toBe(`wa:${NEW}`);
    // Then the notice, sent 20 h ago (system messages carry no contacts), and both again.
    const system = { from: OLD, id: notice, timestamp: String(now - 20 * H), type: 'system', system: { body: `User A changed from ${OLD} to ${NEW}`, wa_id: NEW, type: 'user_changed_number' } };
    expect((await api.post(tenant, inbound([system]))).status).toBe(200);
    for (const body of [inbound([text(fromNew, NEW, now - 2 * H)], [contact(NEW, 'Ann B.')]), inbound([system])]) expect((await api.post(tenant, body)).status).toBe(200);
    // One partition per tenant: once a later message is in, the duplicates were processed.
    await api.post(tenant, inbound([text(sentinel, '15550000013', now)], [contact('15550000013')]));
    await api.found<View>(tenant, `/v1/inbound/messages/${sentinel}`);

    const expiresAt = new Date((now - 2 * H + 24 * H) * 1000).toISOString();
    const merged = await contactOf(NEW);
    expect(merged).toMatchObject({ contactId: `wa:${OLD}`, waId: NEW, identities: [`wa:${OLD}`, `wa:${NEW}`], numberChanges: [{ fromWaId: OLD, toWaId: NEW, wamid: notice }] });
    expect(merged.profileNames.map((n) => n.name)).toEqual(['Ann', 'Ann B.']);
    expect(merged.conversations).toHaveLength(1);
    expect(merged.conversations[0]).toMatchObject({ messageCount: 3, window: { open: true, expiresAt } });
    expect(await contactOf(OLD)).toEqual({ ...merged, conversations: expect.any(Array) });
    const conversationId = merged.conversations[0]!.conversationId;
    for (const customer of [OLD, NEW, `wa:${OLD}`]) {
      expect(await api.found<WindowAnswer>(tenant, `/v1/inbound/window?phoneNumberId=${PHONE}&customer=${customer}`)).toMatchObject({ open: true, expiresAt, conversationId });
    }
    const conv = await api.found<{ messageCount: number; contactId: string; messages: View[] }>(tenant, `/v1/inbound/conversations/${conversationId}`);
    expect([conv.contactId, conv.messageCount, conv.messages.map((m) => m.wamid)]).toEqual([`wa:${OLD}`, 3, [before, notice, fromNew]]);
    for (const id of [before, notice, fromNew]) expect(await api.found<View>(tenant, `/v1/inbound/messages/${id}`)).toMatchObject({ conversationId, contactId: `wa:${OLD}` });
    // Consumers are told, once, which contact and conversation went where.
    const merges = () => topics.records.filter((r) => r.topic === InboundTopics.contacts && r.value?.toString().includes(`"fromContactId":"wa:${NEW}"`));
    await topics.waitFor(() => merges().length > 0);
    const keys = new Set(merges().map((r) => r.headers['wahooks-idempotency-key']));
    expect([...keys]).toEqual([`contact-merged:${tenant.id}:wa:${NEW}:wa:${OLD}`]);
    // `from` is the conversation the new number's message was published in, before the merge.
    await topics.waitFor(() => published(InboundTopics.messages, fromNew).length > 0);
    const aloneIn = (JSON.parse(published(InboundTopics.messages, fromNew)[0]!.value!.toString()) as View).conversationId;
    expect(aloneIn).not.toBe(conversationId);
    expect(JSON.parse(merges()[0]!.value!.toString())).toEqual({
      schemaVersion: 1,
      type: 'contact.merged',
      tenantId: tenant.id,
      fromContactId: `wa:${NEW}`,
      intoContactId: `wa:${OLD}`,
      conversations: [{ phoneNumberId: PHONE, from: aloneIn, into: conversationId }],
      causedByWamid: notice,
    });
    // The conversation the new number had on its own is gone.
    const alone = (await db.query(`SELECT count(*)::int AS n FROM inbound_conversations WHERE tenant_id = $1 AND contact_id = $2`, [tenant.id, `wa:${NEW}`])).rows[0] as { n: number };
    expect(alone.n).toBe(0);
  });

  it('rebuilds the same projections from the event store', async () => {
    const mine = [tenant, other, unconfigured, ...fixtureTenants].map((t) => t.id);
    const snapshot = async () => {
      const q = async (sql: string) => (await db.query(sql, [mine])).rows.map((r: object) => JSON.stringify(r));
      return {
        messages: await q(`SELECT tenant_id, wamid, conversation_id, contact_id, content_type, sent_at, message #- '{context,replyTo,internalMessageId}' AS m FROM inbound_messages WHERE tenant_id = ANY($1) ORDER BY 1, 2`),
        contacts: await q(`SELECT tenant_id, contact_id, wa_id, user_id, state FROM inbound_contacts WHERE tenant_id = ANY($1) ORDER BY 1, 2`),
        aliases: await q(`SELECT * FROM inbound_contact_aliases WHERE tenant_id = ANY($1) ORDER BY 1, 2`),
        conversations: await q(`SELECT tenant_id, conversation_id, phone_number_id, contact_id, window_expires_at, free_entry_expires_at, message_count, state FROM inbound_conversations WHERE tenant_id = ANY($1) ORDER BY 1, 2`),
      };
    };
    await app.stop();
    const live = await snapshot();
    expect(live.messages.length).toBeGreaterThan(60);
    const out = execFileSync(process.execPath, [resolve(__dirname, '../../../dist/apps/inbound-reply/src/rebuild.js')], { env: { ...process.env, ...appEnv, DATABASE_URL: testDatabaseUrl('inbound-reply'), NODE_OPTIONS: '', LOG_LEVEL: 'warn' }, encoding: 'utf8' });
    expect(JSON.parse(out.trim().split('\n').pop()!)).toMatchObject({ events: expect.any(Number) });
    expect(await snapshot()).toEqual(live);
  });
});
