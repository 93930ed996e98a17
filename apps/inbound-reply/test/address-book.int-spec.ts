import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

import { Client as Pg } from 'pg';

import { InboundTopics } from '@wahooks/events-contract';
import { FIXTURES_DIR, loadFixtures, ProvisionedTenant, SpawnedApp, testConfig, testDatabaseUrl, TopicReader } from '@wahooks/testing';

import { Client, contact, inbound, nowSec, PHONE, tenants, text, WABA, wamid } from './harness';

const config = testConfig();
const H = 3600;

interface Entry {
  identity: string;
  waId: string | null;
  userId: string | null;
  username: string | null;
  fullName: string | null;
  firstName: string | null;
  removed: boolean;
  syncedAt: string;
  phoneNumberId: string;
}
interface Page {
  entries: Entry[];
  nextCursor: string | null;
}
interface Synced {
  type: string;
  tenantId: string;
  identity: string;
  action: string;
  fullName: string | null;
  syncedAt: string;
}

/** An `smb_app_state_sync` webhook as Meta sends it: the business's app address book, one item per entry. */
function stateSync(items: object[], phone = PHONE): string {
  const value = { messaging_product: 'whatsapp', metadata: { display_phone_number: '15550001111', phone_number_id: phone }, state_sync: items };
  return JSON.stringify({ object: 'whatsapp_business_account', entry: [{ id: WABA, changes: [{ field: 'smb_app_state_sync', value }] }] });
}
const item = (contact: object, action: 'add' | 'remove', ts: number) => ({ type: 'contact', contact, action, metadata: { timestamp: String(ts) } });
const iso = (sec: number) => new Date(sec * 1000).toISOString();

/** The corpus files the manifest tags as address-book syncs. */
function addressBookFixtures(): Array<{ name: string; body: Buffer }> {
  const manifest = JSON.parse(readFileSync(join(FIXTURES_DIR, 'MANIFEST.json'), 'utf8')) as Array<{ file: string; tags: string[] }>;
  const files = new Set(manifest.filter((m) => m.tags.some((t) => t.startsWith('smb_app_state_sync:'))).map((m) => m.file));
  return loadFixtures().filter((f) => files.has(f.name));
}

describe('inbound-reply address book: smb_app_state_sync → intake → Kafka → inbound-reply → read API and contacts topic', () => {
  const intake = new SpawnedApp('intake', {});
  let app: SpawnedApp;
  let api: Client;
  const topics = new TopicReader(config.kafka.brokers);
  const db = new Pg({ connectionString: testDatabaseUrl('owner') });
  let tenant: ProvisionedTenant;
  let other: ProvisionedTenant;
  let appEnv: Record<string, string>;
  const synced = (t: ProvisionedTenant, identity: string) =>
    topics.records.filter((r) => r.topic === InboundTopics.contacts && r.key === t.id && r.value?.toString().includes('"type":"contact.synced"') && (JSON.parse(r.value.toString()) as Synced).identity === identity);
  const entries = async (t: ProvisionedTenant, query = '') => (await api.found<Page>(t, `/v1/inbound/address-book${query}`)).entries;
  const entryOf = (t: ProvisionedTenant, identity: string, ok: (e: Entry) => boolean = () => true) =>
    api.found<Page>(t, '/v1/inbound/address-book?limit=500', (p) => p.entries.some((e) => e.identity === identity && ok(e))).then((p) => p.entries.find((e) => e.identity === identity)!);

  beforeAll(async () => {
    await Promise.all([db.connect(), topics.start([InboundTopics.contacts]), intake.start()]);
    [tenant, other] = (await tenants(intake.adminUrl, config.adminApi.token, 2)) as [ProvisionedTenant, ProvisionedTenant];
    appEnv = { CONSUMER_GROUP_ID: `inbound-book-test-${randomBytes(4).toString('hex')}`, CONSUMER_START_FROM: 'latest' };
    app = new SpawnedApp('inbound-reply', appEnv);
    await app.start();
    api = new Client(intake, app);
  });

  afterAll(async () => {
    await topics.stop();
    await Promise.all([intake.stop(), app?.stop()]);
    await db.end();
  });

  it('keeps the real BSUID-only entry of the corpus and publishes it once, Meta’s retries included', async () => {
    const fixtures = addressBookFixtures();
    expect(fixtures.map((f) => f.name)).toContain('wappa/bsuid_contract__smb_app_state_sync_username_only_user.json');
    for (const f of [...fixtures, ...fixtures]) expect((await api.post(tenant, f.body)).status).toBe(200);
    const identity = 'bsuid:CO.2186878922080769';
    expect(await entryOf(tenant, identity)).toEqual({
      identity,
      waId: null,
      userId: 'CO.2186878922080769',
      username: 'sashanicolai',
      fullName: 'Sasha Nicolai Canal',
      firstName: 'Sasha',
      removed: false,
      syncedAt: iso(1776696189),
      phoneNumberId: '508386009032748',
    });
    expect((await entries(tenant, '?phoneNumberId=508386009032748')).map((e) => e.identity)).toEqual([identity]);
    await topics.waitFor(() => synced(tenant, identity).length > 0);
    const [record] = synced(tenant, identity);
    expect(JSON.parse(record!.value!.toString())).toEqual({
      schemaVersion: 1,
      type: 'contact.synced',
      tenantId: tenant.id,
      identity,
      waId: null,
      userId: 'CO.2186878922080769',
      parentUserId: 'CO.ENT.2186878922080769',
      username: 'sashanicolai',
      fullName: 'Sasha Nicolai Canal',
      firstName: 'Sasha',
      action: 'add',
      syncedAt: iso(1776696189),
      phoneNumberId: '508386009032748',
    });
    expect(record!.headers['wahooks-idempotency-key']).toMatch(new RegExp(`^contact-synced:${tenant.id}:`));
    expect(new Set(synced(tenant, identity).map((r) => r.headers['wahooks-idempotency-key'])).size).toBe(1);
  });

  it('shows a contact’s address-book entry through any of its identities', async () => {
    const now = nowSec();
    const [byPhone, byBsuid, bsuidOnly, unsaved] = [wamid('ab-phone'), wamid('ab-bsuid'), wamid('ab-bsuid-only'), wamid('ab-unsaved')];
    // A customer who wrote with a phone number; another known by phone and BSUID; one who wrote as a BSUID only.
    await api.post(tenant, inbound([text(byPhone, '15550000021', now - H)], [contact('15550000021')]));
    await api.post(tenant, inbound([text(byBsuid, '15550000022', now - H, { from_user_id: 'US.22' })], [{ ...contact('15550000022'), user_id: 'US.22' }]));
    await api.post(tenant, inbound([{ id: bsuidOnly, timestamp: String(now - H), type: 'text', text: { body: 'hi' }, from_user_id: 'US.23' }], [{ profile: { name: 'Cy' }, wa_id: '', user_id: 'US.23' }]));
    await api.post(tenant, inbound([text(unsaved, '15550000029', now - H)], [contact('15550000029')]));
    // The business saved them in its phone's app: by phone, by BSUID only, and by phone with the BSUID beside it.
    await api.post(
      tenant,
      stateSync([
        item({ phone_number: '15550000021', full_name: 'Ann Lee', first_name: 'Ann' }, 'add', now - 30),
        item({ user_id: 'US.22', full_name: 'Bo Diaz', first_name: 'Bo' }, 'add', now - 30),
        item({ phone_number: '15550000023', user_id: 'US.23', full_name: 'Cy Kim', first_name: 'Cy' }, 'add', now - 30),
      ]),
    );
    const book = (customer: string) =>
      api.found<{ contactId: string; addressBook: (Omit<Entry, 'waId' | 'userId' | 'username'> & { identity: string }) | null }>(tenant, `/v1/inbound/contacts/${customer}`, (c) => c.addressBook !== null);
    expect((await book('15550000021')).addressBook).toMatchObject({ identity: 'wa:15550000021', fullName: 'Ann Lee', firstName: 'Ann', removed: false, syncedAt: iso(now - 30), phoneNumberId: PHONE });
    expect((await book('15550000022')).addressBook).toMatchObject({ identity: 'bsuid:US.22', fullName: 'Bo Diaz' });
    expect((await book('US.22')).addressBook?.identity).toBe('bsuid:US.22');
    // Found through the BSUID column of an entry keyed by phone.
    expect((await book('US.23')).addressBook).toMatchObject({ identity: 'wa:15550000023', fullName: 'Cy Kim' });
    const plain = await api.found<{ addressBook: unknown }>(tenant, '/v1/inbound/contacts/15550000029');
    expect(plain.addressBook).toBeNull();
  });

  it('keeps a removal when an older add arrives after it, and publishes only what changed the entry', async () => {
    const now = nowSec();
    const identity = 'wa:15550000024';
    const pablo = { phone_number: '15550000024', full_name: 'Pablo Morales', first_name: 'Pablo' };
    await api.post(tenant, stateSync([item({ phone_number: '15550000024' }, 'remove', now - 60)]));
    await entryOf(tenant, identity);
    // Meta's earlier add, delivered late (and twice).
    for (let i = 0; i < 2; i++) expect((await api.post(tenant, stateSync([item(pablo, 'add', now - H)]))).status).toBe(200);
    // One partition per tenant: once a later delivery is in, the late add was processed.
    await api.post(tenant, stateSync([item({ phone_number: '15550000025', full_name: 'Sentinel' }, 'add', now)]));
    await entryOf(tenant, 'wa:15550000025');
    await topics.waitFor(() => synced(tenant, 'wa:15550000025').length > 0);

    expect(await entryOf(tenant, identity)).toMatchObject({ removed: true, fullName: null, syncedAt: iso(now - 60) });
    const stored = await db.query(`SELECT type, data->>'action' AS action FROM events WHERE tenant_id = $1 AND stream_id = $2 ORDER BY global_position`, [tenant.id, `address-book:${identity}`]);
    expect(stored.rows).toEqual([
      { type: 'inbound.contact.synced', action: 'remove' },
      { type: 'inbound.contact.synced', action: 'add' },
    ]);
    expect(synced(tenant, identity).map((r) => (JSON.parse(r.value!.toString()) as Synced).action)).toEqual(['remove']);

    // Saved again, later: the entry is back, and consumers are told.
    await api.post(tenant, stateSync([item({ ...pablo, full_name: 'Pablo M.' }, 'add', now)]));
    expect(await entryOf(tenant, identity, (e) => !e.removed)).toMatchObject({ removed: false, fullName: 'Pablo M.', firstName: 'Pablo', syncedAt: iso(now) });
    await topics.waitFor(() => synced(tenant, identity).length > 1);
    expect(synced(tenant, identity).map((r) => JSON.parse(r.value!.toString()) as Synced).map((s) => [s.action, s.fullName])).toEqual([
      ['remove', null],
      ['add', 'Pablo M.'],
    ]);
  });

  it('lists the address book in pages, by business number, for the key’s tenant only', async () => {
    const now = nowSec();
    const second = '770000000000002';
    await api.post(other, stateSync([1, 2, 3, 4, 5].map((i) => item({ phone_number: `1555000003${i}`, full_name: `P${i}` }, 'add', now)), PHONE));
    await api.post(other, stateSync([item({ phone_number: '15550000039', full_name: 'On the second number' }, 'add', now)], second));
    await entryOf(other, 'wa:15550000039');
    await entryOf(other, 'wa:15550000035');
    const seen: string[] = [];
    let cursor: string | null = '';
    while (cursor !== null) {
      const page: Page = await api.found<Page>(other, `/v1/inbound/address-book?limit=2&phoneNumberId=${PHONE}${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.entries.length).toBeLessThanOrEqual(2);
      seen.push(...page.entries.map((e) => e.identity));
      cursor = page.nextCursor;
    }
    expect(seen).toEqual([1, 2, 3, 4, 5].map((i) => `wa:1555000003${i}`));
    expect((await entries(other, `?phoneNumberId=${second}`)).map((e) => e.fullName)).toEqual(['On the second number']);
    // Tenants apart: neither sees the other's book, nor its contacts' entries.
    expect((await entries(other)).some((e) => e.identity === 'wa:15550000021')).toBe(false);
    expect((await entries(tenant)).some((e) => e.identity.startsWith('wa:1555000003'))).toBe(false);
    expect((await api.get(other, '/v1/inbound/contacts/15550000021')).status).toBe(404);
    expect((await api.get('', '/v1/inbound/address-book')).status).toBe(401);
    expect((await api.get(tenant, '/v1/inbound/address-book?limit=0')).status).toBe(400);
    expect((await api.get(tenant, '/v1/inbound/address-book?cursor=nope')).status).toBe(400);
  });

  it('rebuilds the same address book from the event store', async () => {
    const snapshot = async () =>
      (
        await db.query(
          `SELECT tenant_id, identity, phone_number_id, wa_id, user_id, parent_user_id, username, full_name, first_name, removed, synced_at, last_position
           FROM inbound_address_book WHERE tenant_id = ANY($1) ORDER BY 1, 2`,
          [[tenant.id, other.id]],
        )
      ).rows.map((r: object) => JSON.stringify(r));
    await app.stop();
    const live = await snapshot();
    expect(live.length).toBeGreaterThanOrEqual(12);
    const out = execFileSync(process.execPath, [resolve(__dirname, '../../../dist/apps/inbound-reply/src/rebuild.js')], { env: { ...process.env, ...appEnv, DATABASE_URL: testDatabaseUrl('inbound-reply'), NODE_OPTIONS: '', LOG_LEVEL: 'warn' }, encoding: 'utf8' });
    expect(JSON.parse(out.trim().split('\n').pop()!)).toMatchObject({ events: expect.any(Number) });
    expect(await snapshot()).toEqual(live);
  });
});
