import { createHash } from 'node:crypto';

import { MetaEvent, normalizeEnvelope, parseWebhookBody } from '@wahooks/meta-contract';

import { DEFAULT_GENERATE, generate } from './generate';
import { INBOUND_KINDS } from './inbound-messages';
import { mediaBytes } from './media';
import type { GenerateOptions, Plan } from './plan.types';
import { subsetMismatch } from './read-api';

const options = (o: Partial<GenerateOptions> = {}): GenerateOptions => ({ ...DEFAULT_GENERATE, seed: 42, runId: 'unit-42', tenants: 3, messages: 20, templates: 2, inbound: INBOUND_KINDS.length + 10, ...o });
const run = generate(options());
const H = 3600;

/** Every webhook of the plan as the contract library reads it, with the tenant each entry belongs to. */
function readPlan(plan: Plan): Array<{ tenantId: string; event: MetaEvent }> {
  const byWaba = new Map(plan.tenants.map((t) => [t.wabaId, t.id]));
  return plan.deliveries
    .filter((d) => d.kind !== 'accepted' && d.copyOf === undefined)
    .flatMap((d) => {
      const parsed = parseWebhookBody(d.body);
      if (!parsed.ok) throw new Error(`delivery ${d.seq}: ${parsed.error.message}`);
      return normalizeEnvelope(parsed.envelope).map((event) => ({ tenantId: byWaba.get(event.wabaId) ?? `unknown WABA ${event.wabaId}`, event }));
    });
}
const events = readPlan(run.plan);
const inboundEvents = events.flatMap((e) => (e.event.kind === 'message.inbound' ? [{ tenantId: e.tenantId, event: e.event }] : []));

describe('generate', () => {
  it('is a function of its options: same seed, same bytes; the parts draw from their own streams', () => {
    expect(JSON.stringify(generate(options()))).toBe(JSON.stringify(run));
    const other = generate(options({ seed: 43 }));
    expect(other.oracle.inbound.map((m) => m.timestamp)).not.toEqual(run.oracle.inbound.map((m) => m.timestamp));
    // Batching, duplicates and the platform share change the POSTs, not what they carry.
    const rebatched = generate(options({ batchMax: 2, duplicates: 0.5, platformShare: 1 }));
    expect({ ...rebatched.oracle, totals: null }).toEqual({ ...run.oracle, totals: null });
    // More inbound traffic leaves the outbound messages, templates and account events alone.
    const more = generate(options({ inbound: 90, customers: 9 }));
    expect([more.oracle.messages, more.oracle.templates, more.oracle.accounts, more.oracle.phoneNumbers]).toEqual([run.oracle.messages, run.oracle.templates, run.oracle.accounts, run.oracle.phoneNumbers]);
  });

  it('writes bodies as Meta does: escaped unicode, every entry of a known tenant, nothing the contract cannot read', () => {
    for (const d of run.plan.deliveries) expect(/^[\x20-\x7e]*$/.test(d.body)).toBe(true);
    expect(events.filter((e) => e.event.kind === 'unknown' || e.tenantId.startsWith('unknown'))).toEqual([]);
    const copies = run.plan.deliveries.filter((d) => d.copyOf !== undefined);
    expect(copies.length).toBeGreaterThan(0);
    for (const c of copies) expect(c.body).toBe(run.plan.deliveries[c.copyOf as number]?.body);
  });

  it('sends a share of POSTs to the platform URL, some with several tenants, each listed in entry order', () => {
    const platform = run.plan.deliveries.filter((d) => d.kind === 'platform');
    const webhooks = run.plan.deliveries.filter((d) => d.kind !== 'accepted');
    expect(platform.length / webhooks.length).toBeGreaterThan(0.1);
    expect(platform.length / webhooks.length).toBeLessThan(0.6);
    expect(platform.some((d) => (d.tenants?.length ?? 0) > 1)).toBe(true);
    const wabaOf = new Map(run.plan.tenants.map((t) => [t.wabaId, t.id]));
    for (const d of platform) {
      const entries = (JSON.parse(d.body) as { entry: Array<{ id: string }> }).entry.map((e) => wabaOf.get(e.id) as string);
      expect([...new Set(entries)]).toEqual(d.tenants);
    }
    expect(generate(options({ platformShare: 0 })).plan.deliveries.filter((d) => d.kind === 'platform')).toEqual([]);
  });

  it('delivers every inbound message and account event at least once, and the oracle names exactly those', () => {
    const sent = new Set(inboundEvents.map((e) => `${e.tenantId}|${e.event.wamid}`));
    expect([...sent].sort()).toEqual(run.oracle.inbound.map((m) => `${m.tenantId}|${m.wamid}`).sort());
    const management = new Set(events.filter((e) => e.event.kind.startsWith('phone_number.') || e.event.kind.startsWith('account.') || e.event.kind === 'business.capability').map((e) => e.event.idempotencyKey));
    expect(management.size).toBe(run.oracle.totals.accountEvents);
    expect(run.oracle.totals.accountEvents).toBe(3 * DEFAULT_GENERATE.accountEvents);
  });

  it('has every kind of inbound message for every tenant, read by the contract as the oracle says', () => {
    const oracle = new Map(run.oracle.inbound.map((m) => [m.wamid, m]));
    for (const tenantId of run.oracle.tenants) {
      const mine = inboundEvents.filter((e) => e.tenantId === tenantId).map((e) => e.event);
      const kinds = new Set(mine.map((m) => (m.content.type === 'interactive' ? `interactive:${m.content.reply.type}` : `${m.messageType}:${m.content.type}`)));
      for (const k of ['text:text', 'image:image', 'video:video', 'audio:audio', 'document:document', 'sticker:sticker', 'location:location', 'contacts:contacts', 'interactive:button_reply', 'interactive:list_reply', 'interactive:nfm_reply', 'button:button', 'reaction:reaction', 'order:order', 'system:system', 'unsupported:unsupported', 'unknown:unsupported', 'request_welcome:request_welcome']) {
        expect([tenantId, k, kinds.has(k)]).toEqual([tenantId, k, true]);
      }
      expect(mine.some((m) => m.content.type === 'unknown')).toBe(true);
      expect(mine.some((m) => m.content.type === 'audio' && m.content.voice)).toBe(true);
      expect(mine.some((m) => m.content.type === 'reaction' && m.content.removed)).toBe(true);
      expect(mine.some((m) => m.referral?.ctwaClid !== undefined)).toBe(true);
      expect(mine.some((m) => m.context?.forwarded || m.context?.frequentlyForwarded)).toBe(true);
      expect(mine.some((m) => m.context?.id !== undefined)).toBe(true);
      expect(new Set(mine.map((m) => m.from ?? m.fromUserId)).size).toBeGreaterThanOrEqual(3);
    }
    for (const { event: m } of inboundEvents) {
      const want = oracle.get(m.wamid);
      expect([m.wamid, subsetMismatch(want?.content, m.content)]).toEqual([m.wamid, null]);
      expect({ type: m.content.type, wire: m.messageType, at: new Date((m.timestamp ?? 0) * 1000).toISOString(), replyTo: m.context?.id ?? null, errors: m.errors.map((e) => e.code) }).toEqual({
        type: want?.type,
        wire: want?.wireType,
        at: want?.timestamp,
        replyTo: want?.replyTo?.wamid ?? null,
        errors: want?.errorCodes,
      });
    }
  });

  it('points replies at our own messages to the customer, with their internal ids', () => {
    const ours = new Map(run.oracle.messages.map((m) => [m.wamid, m]));
    const replies = run.oracle.inbound.filter((m) => m.replyTo !== null);
    const toOurs = replies.filter((m) => ours.has(m.replyTo?.wamid as string));
    expect(toOurs.length).toBeGreaterThan(0);
    for (const m of toOurs) {
      const target = ours.get(m.replyTo?.wamid as string);
      expect([m.replyTo?.internalMessageId, target?.recipient]).toEqual([target?.internalMessageId, m.customer]);
      expect(target?.status).not.toBe('failed');
    }
    for (const m of replies.filter((x) => !ours.has(x.replyTo?.wamid as string))) expect(m.replyTo?.internalMessageId).toBeNull();
  });

  it('derives each window from the messages on the wire: latest customer message + 24 h, ad messages + 72 h', () => {
    // A customer who changed number writes from the new one afterwards: same customer, same conversation.
    const oldNumber = new Map(run.oracle.contacts.flatMap((c) => c.numberChanges.map((n) => [`${c.tenantId} ${n.toWaId}`, n.fromWaId] as const)));
    const customerOf = (tenantId: string, m: (typeof inboundEvents)[number]['event']) => (m.from !== undefined ? (oldNumber.get(`${tenantId} ${m.from}`) ?? m.from) : m.fromUserId);
    let closed = 0;
    for (const c of run.oracle.conversations) {
      const mine = inboundEvents.filter((e) => e.tenantId === c.tenantId && customerOf(e.tenantId, e.event) === c.customer).map((e) => e.event);
      const uniq = [...new Map(mine.map((m) => [m.wamid, m])).values()];
      expect(uniq.length).toBe(c.messageCount);
      const opening = uniq.filter((m) => m.content.type !== 'system').map((m) => m.timestamp as number);
      const last = opening.length > 0 ? Math.max(...opening) : null;
      expect(c.windowExpiresAt).toBe(last === null ? null : new Date((last + 24 * H) * 1000).toISOString());
      const ads = uniq.filter((m) => m.referral?.ctwaClid !== undefined || m.referral?.sourceType === 'ad').map((m) => m.timestamp as number);
      expect(c.freeEntryPointExpiresAt).toBe(ads.length > 0 ? new Date((Math.max(...ads) + 72 * H) * 1000).toISOString() : null);
      const order = uniq.map((m) => [m.timestamp as number, m.wamid] as const).sort((a, b) => a[0] - b[0] || (a[1] < b[1] ? -1 : 1));
      expect(c.wamids).toEqual(order.map(([, w]) => w));
      if (last !== null && last + 24 * H < DEFAULT_GENERATE.baseTime) closed++;
    }
    // Some customers were last active more than a day before the traffic: their window is closed.
    expect(closed).toBeGreaterThan(0);
  });

  it('changes a number once per customer, who writes from the new number after it, and links both numbers to one contact', () => {
    const changes = run.oracle.contacts.filter((c) => c.numberChanges.length > 0);
    expect(changes.length).toBeGreaterThan(0);
    const fromOf = new Map(inboundEvents.map((e) => [e.event.wamid, e.event.from] as const));
    let fromNew = 0;
    for (const c of changes) {
      const [change] = c.numberChanges;
      const mine = run.oracle.inbound.filter((m) => m.tenantId === c.tenantId && m.customer === change?.fromWaId);
      const notices = mine.filter((m) => (m.content as { systemType?: string }).systemType === 'user_changed_number');
      expect(notices.map((m) => m.content)).toEqual([expect.objectContaining({ newWaId: change?.toWaId })]);
      const at = notices[0]!.timestamp;
      for (const m of mine) expect([m.wamid, fromOf.get(m.wamid)]).toEqual([m.wamid, m.timestamp > at ? change?.toWaId : change?.fromWaId]);
      fromNew += mine.filter((m) => m.timestamp > at).length;
      expect(c).toMatchObject({ contactId: `wa:${change?.fromWaId}`, waId: change?.toWaId });
      expect(c.lookups).toEqual(expect.arrayContaining([change?.fromWaId, change?.toWaId]));
    }
    // The case Meta's ordering makes hard: messages from the new number exist (and may arrive before the notice).
    expect(fromNew).toBeGreaterThan(0);
    const bsuidOnly = inboundEvents.filter((e) => e.event.from === undefined).map((e) => e.event);
    expect(bsuidOnly.length).toBeGreaterThan(0);
    for (const m of bsuidOnly) expect(m.fromUserId).toMatch(/^US\.\d{20}$/);
  });

  it('knows the bytes behind every medium: the hash in the webhook and in the oracle', () => {
    const media = inboundEvents.flatMap(({ event: m }) => ('media' in m.content && m.content.media.id ? [{ wamid: m.wamid, id: m.content.media.id, sha256: m.content.media.sha256 }] : []));
    expect(new Set(media.map((m) => m.wamid)).size).toBe(run.oracle.totals.inboundMedia);
    for (const m of media) {
      const bytes = mediaBytes(m.id);
      const want = run.oracle.inbound.find((x) => x.wamid === m.wamid)?.media;
      expect(m.sha256).toBe(createHash('sha256').update(bytes).digest('base64'));
      expect(want).toEqual({ id: m.id, mimeType: want?.mimeType, sha256: createHash('sha256').update(bytes).digest('hex'), sizeBytes: bytes.length });
    }
  });

  it('ends each number and account in the state of its latest events by entry.time', () => {
    const latest = (tenantId: string, kind: MetaEvent['kind']) => events.filter((e) => e.tenantId === tenantId && e.event.kind === kind).map((e) => e.event).sort((a, b) => (a.entryTime ?? 0) - (b.entryTime ?? 0)).pop();
    for (const p of run.oracle.phoneNumbers) {
      const q = latest(p.tenantId, 'phone_number.quality');
      expect(p.qualityEvent).toBe(q?.kind === 'phone_number.quality' ? (q.event ?? null) : null);
      const n = latest(p.tenantId, 'phone_number.name');
      expect(p.name?.decision ?? null).toBe(n?.kind === 'phone_number.name' ? n.decision : null);
    }
    for (const a of run.oracle.accounts) {
      const u = latest(a.tenantId, 'account.update');
      expect(a.lastUpdate).toBe(u?.kind === 'account.update' ? (u.event ?? null) : null);
      const r = latest(a.tenantId, 'account.review');
      expect(a.review).toBe(r?.kind === 'account.review' ? (r.decision ?? null) : null);
    }
    const times = events.filter((e) => e.event.field !== 'messages' && !e.event.kind.startsWith('template.')).map((e) => `${e.tenantId}|${e.event.entryTime}`);
    expect(new Set(times).size).toBe(times.length);
  });
});

describe('subsetMismatch', () => {
  it('accepts more members, but not a different value, array length or element', () => {
    expect(subsetMismatch({ a: 1, b: { c: [1, { d: 'x' }] } }, { a: 1, z: 2, b: { c: [1, { d: 'x', e: 0 }] } })).toBeNull();
    expect(subsetMismatch({ b: { c: [1, { d: 'x' }] } }, { b: { c: [1, { d: 'y' }] } })).toBe('.b.c[1].d');
    expect(subsetMismatch({ c: [1] }, { c: [1, 2] })).toBe('.c');
    expect(subsetMismatch({ a: 1 }, null)).toBe('.');
    expect(subsetMismatch({ a: undefined }, {})).toBeNull();
  });
});
