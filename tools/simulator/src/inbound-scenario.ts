import { digitsFor, inboundWamidFor, wamidFor } from './ids';
import { buildKind, INBOUND_KINDS, InboundKind, Target } from './inbound-messages';
import type { GenerateOptions, OracleContact, OracleConversation, OracleInbound, SimTenant } from './plan.types';
import { Prng } from './prng';
import type { StreamItem } from './scenario';

const H = 3600;
const WINDOW_S = 24 * H;
const ENTRY_POINT_S = 72 * H;

/** One of our outbound messages, as a customer may answer it. */
export interface OutboundRef {
  tenantId: string;
  wamid: string;
  internalMessageId: string;
  recipient: string;
  failed: boolean;
  template: boolean;
}

interface Customer {
  waId: string | undefined;
  /** BSUID (2026 rollout): alone (no phone number shown) or beside the wa_id. */
  userId: string | undefined;
  key: string;
  names: string[];
  activity: 'recent' | 'yesterday' | 'spread';
  targets: Target[];
  templateTargets: Target[];
  newWaId: string | undefined;
  /** Meta time of the number change: later messages come from `newWaId`. */
  changedAt: number | undefined;
}

interface Slot {
  kind: InboundKind;
  customer: Customer;
  timestamp: number;
}

export interface InboundScenario {
  stream: StreamItem[];
  inbound: OracleInbound[];
  conversations: OracleConversation[];
  contacts: OracleContact[];
}

const NAMES = ['Ana Souza', 'João Pereira', 'Zoë Müller', 'Mohammed Al-Sayed', '李雷', 'Priya Nair', 'Olek', 'María José', 'Tom'];
const iso = (s: number): string => new Date(s * 1000).toISOString();
const byTime = (a: { timestamp: number; wamid: string }, b: { timestamp: number; wamid: string }) => a.timestamp - b.timestamp || (a.wamid < b.wamid ? -1 : a.wamid > b.wamid ? 1 : 0);

/**
 * Customers writing to each tenant: mostly people we sent messages to (so
 * replies, buttons and reactions name our wamids), some with a BSUID beside
 * or instead of the phone number, some active a day or three ago (a closed
 * window, an ad's 72-hour entry point still open), some changing their
 * profile name or number. Every kind of message appears at least once per
 * tenant when `inbound` allows.
 */
export function buildInbound(o: GenerateOptions, tenants: readonly SimTenant[], outbound: readonly OutboundRef[], rng: Prng): InboundScenario {
  const out: InboundScenario = { stream: [], inbound: [], conversations: [], contacts: [] };
  if (o.inbound <= 0) return out;
  const span = Math.max(60, o.messages * 2);
  for (const tenant of tenants) {
    const { customers, freshWaId } = makeCustomers(o, outbound.filter((m) => m.tenantId === tenant.id), rng);
    const slots = makeSlots(o, customers, freshWaId, span, rng);
    const cuts = nameCuts(customers, slots);
    const messages: Array<OracleInbound & { ts: number; name: string | undefined }> = [];
    for (const [k, slot] of slots.entries()) {
      const c = slot.customer;
      // After a number change the customer writes from the new number; Meta may deliver that before the notice.
      const waId = c.newWaId !== undefined && c.changedAt !== undefined && slot.timestamp > c.changedAt ? c.newWaId : c.waId;
      const wamid = inboundWamidFor(o.runId, tenant.id, k);
      const external: Target = { wamid: wamidFor(o.runId, `${tenant.id}\0external`, k), internalMessageId: null };
      const target = c.targets.length > 0 ? rng.pick(c.targets) : external;
      const built = buildKind(slot.kind, {
        rng,
        mediaId: digitsFor(o.runId, `media-${tenant.id}-${k}`, 16),
        business: tenant.displayPhoneNumber,
        target,
        templateTarget: c.templateTargets.length > 0 ? rng.pick(c.templateTargets) : target,
        waId,
        newWaId: c.newWaId,
        timestamp: slot.timestamp,
      });
      const system = built.expected.type === 'system';
      const cut = cuts.get(c);
      const name = system ? undefined : cut !== undefined && slot.timestamp >= cut ? c.names[1] : c.names[0];
      const message = { ...(waId ? { from: waId } : {}), ...(c.userId ? { from_user_id: c.userId } : {}), id: wamid, timestamp: String(slot.timestamp), type: built.expected.wireType, ...built.fields };
      // System notices carry no `contacts` (contract §6); BSUID-only users an empty wa_id.
      const contact = system ? null : { profile: { name }, wa_id: waId ?? '', ...(c.userId ? { user_id: c.userId } : {}) };
      // Old messages arrive late (Meta retried them); recent ones within seconds.
      const at = slot.timestamp >= o.baseTime ? slot.timestamp + rng.int(0, 5) : o.baseTime + rng.int(0, span);
      out.stream.push({ tenantId: tenant.id, at, kind: 'inbound', update: { type: 'inbound', wamid, message, contact } });
      messages.push({ tenantId: tenant.id, wamid, phoneNumberId: tenant.phoneNumberId, customer: c.key, timestamp: iso(slot.timestamp), ...built.expected, ts: slot.timestamp, name });
    }
    for (const c of customers) {
      const mine = messages.filter((m) => m.customer === c.key).sort((a, b) => byTime({ timestamp: a.ts, wamid: a.wamid }, { timestamp: b.ts, wamid: b.wamid }));
      if (mine.length === 0) continue;
      const max = (xs: number[]) => (xs.length > 0 ? Math.max(...xs) : null);
      const lastInbound = max(mine.filter((m) => m.opensWindow).map((m) => m.ts));
      const entryPoint = max(mine.filter((m) => m.referral && (m.referral.ctwaClid !== null || m.referral.sourceType === 'ad')).map((m) => m.ts));
      out.conversations.push({
        tenantId: tenant.id,
        phoneNumberId: tenant.phoneNumberId,
        customer: c.key,
        messageCount: mine.length,
        wamids: mine.map((m) => m.wamid),
        lastInboundAt: lastInbound === null ? null : iso(lastInbound),
        windowExpiresAt: lastInbound === null ? null : iso(lastInbound + WINDOW_S),
        freeEntryPointExpiresAt: entryPoint === null ? null : iso(entryPoint + ENTRY_POINT_S),
      });
      out.contacts.push(contactOf(tenant.id, c, mine));
    }
    out.inbound.push(...messages.map(({ ts: _ts, name: _name, ...m }) => m));
  }
  return out;
}

function makeCustomers(o: GenerateOptions, outbound: readonly OutboundRef[], rng: Prng): { customers: Customer[]; freshWaId: () => string } {
  const recipients = [...new Set(outbound.map((m) => m.recipient))];
  const used = new Set<string>(recipients);
  const freshWaId = (): string => {
    for (;;) {
      const id = `${rng.int(1, 9)}${rng.digits(10)}`;
      if (used.has(id)) continue;
      used.add(id);
      return id;
    }
  };
  const customers: Customer[] = [];
  for (let c = 0, r = 0; c < Math.max(1, o.customers); c++) {
    const identity = c % 6 === 5 ? 'bsuid' : c % 4 === 3 ? 'both' : 'wa';
    const waId = identity === 'bsuid' ? undefined : (recipients[r++] ?? freshWaId());
    const userId = identity === 'wa' ? undefined : `US.${rng.digits(20)}`;
    const first = rng.pick(NAMES);
    const names = rng.chance(0.25) ? [first, `${rng.pick(NAMES.filter((n) => n !== first))}`] : [first];
    const sent = outbound.filter((m) => m.recipient === waId && !m.failed);
    customers.push({
      waId,
      userId,
      key: (waId ?? userId) as string,
      names,
      activity: rng.weighted([['recent', 60], ['yesterday', 20], ['spread', 20]] as const),
      targets: sent.map((m) => ({ wamid: m.wamid, internalMessageId: m.internalMessageId })),
      templateTargets: sent.filter((m) => m.template).map((m) => ({ wamid: m.wamid, internalMessageId: m.internalMessageId })),
      newWaId: undefined,
      changedAt: undefined,
    });
  }
  return { customers, freshWaId };
}

function makeSlots(o: GenerateOptions, customers: Customer[], freshWaId: () => string, span: number, rng: Prng): Slot[] {
  const all = INBOUND_KINDS.map(([k]) => k);
  // Every kind once (in a seeded order), then by weight.
  const kinds = rng.shuffle([...all]).slice(0, o.inbound);
  while (kinds.length < o.inbound) kinds.push(rng.weighted(INBOUND_KINDS));
  const weights = customers.map((c, i) => [c, 1 / (i + 1)] as const);
  const timeFor = (c: Customer): number => {
    const recent = () => o.baseTime + rng.int(0, span);
    if (c.activity === 'recent') return recent();
    if (c.activity === 'yesterday') return o.baseTime - 30 * H + rng.int(0, 4 * H);
    return rng.chance(0.5) ? recent() : o.baseTime - rng.int(26 * H, 70 * H);
  };
  // A number change needs a phone number, happens once per customer, and the new number is new.
  const canChange = (c: Customer) => c.waId !== undefined && c.newWaId === undefined;
  const slots: Slot[] = kinds.map((wanted) => {
    const drawn = rng.weighted(weights);
    const customer = wanted === 'system-number' && !canChange(drawn) ? (customers.find(canChange) ?? drawn) : drawn;
    const kind = wanted === 'system-number' && !canChange(customer) ? 'text' : wanted;
    if (kind === 'system-number') customer.newWaId = freshWaId();
    return { kind, customer, timestamp: timeFor(customer) };
  });
  for (const x of slots) if (x.kind === 'system-number') x.customer.changedAt = x.timestamp;
  return slots;
}

/** A customer with two profile names uses the second from the middle of their messages (by Meta time) on. */
function nameCuts(customers: readonly Customer[], slots: readonly Slot[]): Map<Customer, number> {
  const cuts = new Map<Customer, number>();
  for (const c of customers.filter((x) => x.names.length > 1)) {
    const times = slots.filter((s) => s.customer === c).map((s) => s.timestamp).sort((a, b) => a - b);
    if (times.length > 0) cuts.set(c, times[Math.floor(times.length / 2)] as number);
  }
  return cuts;
}

function contactOf(tenantId: string, c: Customer, mine: ReadonlyArray<OracleInbound & { ts: number; name: string | undefined }>): OracleContact {
  const named = mine.filter((m) => m.name !== undefined);
  const latestNamed = named[named.length - 1];
  const identities = [c.waId ? `wa:${c.waId}` : undefined, c.newWaId ? `wa:${c.newWaId}` : undefined, c.userId ? `bsuid:${c.userId}` : undefined].filter((x): x is string => !!x);
  return {
    tenantId,
    contactId: c.waId ? `wa:${c.waId}` : `bsuid:${c.userId}`,
    lookups: [c.waId, c.newWaId, c.userId].filter((x): x is string => !!x),
    waId: c.newWaId ?? c.waId ?? null,
    userId: c.userId ?? null,
    profileName: latestNamed?.name ?? null,
    profileNames: [...new Set(named.map((m) => m.name as string))].sort(),
    identities: identities.sort(),
    numberChanges: c.newWaId && c.waId ? [{ fromWaId: c.waId, toWaId: c.newWaId }] : [],
    identityChanges: mine.filter((m) => (m.content as { systemType?: string }).systemType === 'customer_identity_changed').length,
  };
}
