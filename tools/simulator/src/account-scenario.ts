import type { ManagementUpdate } from './meta-payloads';
import type { GenerateOptions, OracleAccount, OraclePhoneNumber, RawLimit, SimTenant } from './plan.types';
import { Prng } from './prng';
import type { StreamItem } from './scenario';

/**
 * The phone number's and the WABA's management webhooks (contract §8):
 * quality and name updates of the tenant's number, account updates
 * (restrictions, violations, bans with Meta's prose dates), review decisions
 * and capability changes (tiers as strings and as integers). Each tenant's
 * events get strictly increasing `entry.time`s: the template monitor orders
 * by them, so the oracle is their fold in that order, restated here.
 */
type Kind = 'quality' | 'name' | 'account' | 'review' | 'capability';
const KINDS: ReadonlyArray<readonly [Kind, number]> = [['quality', 3], ['name', 1], ['account', 3], ['review', 1], ['capability', 2]];

const QUALITY_EVENTS = ['ONBOARDING', 'THROUGHPUT_UPGRADE', 'FLAGGED', 'UNFLAGGED', 'UPGRADE', 'DOWNGRADE'];
/** Events after which the number is no longer flagged (docs/template-monitor.md: FLAGGED until a later UNFLAGGED or upgrade). */
const CLEARS_FLAG = new Set(['UNFLAGGED', 'UPGRADE', 'ONBOARDING', 'THROUGHPUT_UPGRADE']);
const TIERS = ['TIER_50', 'TIER_250', 'TIER_2K', 'TIER_10K', 'TIER_100K', 'TIER_UNLIMITED'];
const RESTRICTIONS = ['RESTRICTED_ADD_PHONE_NUMBER_ACTION', 'RESTRICTED_BIZ_INITIATED_MESSAGING', 'RESTRICTED_CUSTOMER_INITIATED_MESSAGING'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** Meta's `waba_ban_date`: prose, not a timestamp ("January 31, 2021"). */
const proseDate = (unix: number): string => {
  const d = new Date(unix * 1000);
  return `${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()}, ${d.getUTCFullYear()}`;
};

export interface AccountScenario {
  stream: StreamItem[];
  phoneNumbers: OraclePhoneNumber[];
  accounts: OracleAccount[];
}

export function buildAccounts(o: GenerateOptions, tenants: readonly SimTenant[], rng: Prng): AccountScenario {
  const out: AccountScenario = { stream: [], phoneNumbers: [], accounts: [] };
  if (o.accountEvents <= 0) return out;
  const span = Math.max(60, o.messages * 2);
  for (const tenant of tenants) {
    const kinds = rng.shuffle(KINDS.map(([k]) => k)).slice(0, o.accountEvents);
    while (kinds.length < o.accountEvents) kinds.push(rng.weighted(KINDS));
    const phone: OraclePhoneNumber = { tenantId: tenant.id, wabaId: tenant.wabaId, displayPhoneNumber: tenant.displayPhoneNumber, qualityEvent: null, flagged: false, limit: null, previousLimit: null, name: null };
    const account: OracleAccount = { tenantId: tenant.id, wabaId: tenant.wabaId, lastUpdate: null, restrictions: [], violation: null, ban: null, review: null, capability: null };
    let phoneSeen = false;
    let accountSeen = false;
    let time = o.baseTime + rng.int(0, Math.floor(span / 4));
    const step = Math.max(2, Math.floor(span / (o.accountEvents + 1)));
    for (const kind of kinds) {
      const value = eventValue(kind, tenant, time, rng);
      const field = FIELD[kind];
      out.stream.push({ tenantId: tenant.id, at: time, kind: 'management', update: { type: 'management', time, field, value } satisfies ManagementUpdate });
      if (kind === 'quality' || kind === 'name') {
        phoneSeen = true;
        foldPhone(phone, kind, value);
      } else {
        accountSeen = true;
        foldAccount(account, kind, value);
      }
      time += rng.int(1, step);
    }
    if (phoneSeen) out.phoneNumbers.push(phone);
    if (accountSeen) out.accounts.push(account);
  }
  return out;
}

const FIELD: Record<Kind, string> = {
  quality: 'phone_number_quality_update',
  name: 'phone_number_name_update',
  account: 'account_update',
  review: 'account_review_update',
  capability: 'business_capability_update',
};

function eventValue(kind: Kind, tenant: SimTenant, time: number, rng: Prng): Record<string, unknown> {
  const display = tenant.displayPhoneNumber;
  switch (kind) {
    case 'quality': {
      const event = rng.pick(QUALITY_EVENTS);
      // Since February 2026 one integer-or-tier limit; before, current and old tiers.
      return rng.chance(0.5)
        ? { display_phone_number: display, event, max_daily_conversations_per_business: rng.chance(0.5) ? rng.pick(TIERS) : rng.pick([250, 2000, 10000, 100000, -1]) }
        : { display_phone_number: display, event, current_limit: rng.pick(TIERS), old_limit: rng.pick(TIERS) };
    }
    case 'name': {
      const decision = rng.pick(['APPROVED', 'REJECTED', 'PENDING', 'DEFERRED']);
      return { display_phone_number: display, decision, requested_verified_name: rng.pick(['Loja Lumière', 'Acme Support', 'Café Ñandú', 'Shop 24/7']), rejection_reason: decision === 'REJECTED' ? rng.pick(['NAME_FORMAT_UNACCEPTABLE', 'NAME_MISMATCH']) : null };
    }
    case 'account': {
      const event = rng.weighted([['ACCOUNT_RESTRICTION', 3], ['ACCOUNT_VIOLATION', 2], ['DISABLED_UPDATE', 2], ['VERIFIED_ACCOUNT', 1], ['ACCOUNT_RECONNECTED', 1], ['PARTNER_ADDED', 1]] as const);
      if (event === 'ACCOUNT_RESTRICTION') {
        const types = rng.shuffle([...RESTRICTIONS]).slice(0, rng.int(1, 2));
        return { event, restriction_info: types.map((restriction_type) => ({ restriction_type, expiration: time + rng.int(1, 30) * 86_400 })) };
      }
      if (event === 'ACCOUNT_VIOLATION') return { event, violation_info: { violation_type: rng.pick(['ADULT', 'SCAM', 'ALCOHOL', 'TOBACCO', 'DRUGS']) } };
      if (event === 'DISABLED_UPDATE') return { event, ban_info: { waba_ban_state: rng.pick(['SCHEDULE_FOR_DISABLE', 'DISABLE', 'REINSTATE']), waba_ban_date: proseDate(time + rng.int(0, 14) * 86_400) } };
      return event === 'VERIFIED_ACCOUNT' ? { event, phone_number: display } : { event };
    }
    case 'review':
      return { decision: rng.pick(['APPROVED', 'REJECTED', 'PENDING', 'DEFERRED']) };
    case 'capability':
      return rng.pick([
        () => ({ max_daily_conversations_per_business: rng.chance(0.5) ? rng.pick(TIERS) : rng.pick([250, 2000, 10000]) }),
        () => ({ max_phone_numbers_per_business: rng.int(2, 25) }),
        () => ({ max_daily_conversation_per_phone: rng.pick([250, 1000, 10000, -1]), max_daily_conversations_per_business: rng.pick([2000, 10000, 100000]) }),
      ])();
  }
}

type Value = Record<string, unknown>;
const limit = (v: unknown): RawLimit | null => (typeof v === 'string' || typeof v === 'number' ? v : null);

function foldPhone(p: OraclePhoneNumber, kind: 'quality' | 'name', v: Value): void {
  if (kind === 'name') {
    p.name = { decision: v['decision'] as string, requestedVerifiedName: v['requested_verified_name'] as string, rejectionReason: (v['rejection_reason'] as string | null) ?? null };
    return;
  }
  const event = v['event'] as string;
  p.qualityEvent = event;
  if (event === 'FLAGGED') p.flagged = true;
  else if (CLEARS_FLAG.has(event)) p.flagged = false;
  p.limit = limit(v['max_daily_conversations_per_business']) ?? limit(v['current_limit']);
  p.previousLimit = limit(v['old_limit']);
}

function foldAccount(a: OracleAccount, kind: 'account' | 'review' | 'capability', v: Value): void {
  if (kind === 'review') {
    a.review = v['decision'] as string;
    return;
  }
  if (kind === 'capability') {
    // Each member keeps its latest value; an update without it leaves it.
    const c = a.capability ?? { maxDailyConversationsPerBusiness: null, maxDailyConversationPerPhone: null, maxPhoneNumbersPerBusiness: null };
    a.capability = {
      maxDailyConversationsPerBusiness: limit(v['max_daily_conversations_per_business']) ?? c.maxDailyConversationsPerBusiness,
      maxDailyConversationPerPhone: limit(v['max_daily_conversation_per_phone']) ?? c.maxDailyConversationPerPhone,
      maxPhoneNumbersPerBusiness: (v['max_phone_numbers_per_business'] as number | undefined) ?? c.maxPhoneNumbersPerBusiness,
    };
    return;
  }
  a.lastUpdate = v['event'] as string;
  const restrictions = v['restriction_info'] as Array<{ restriction_type: string; expiration: number }> | undefined;
  if (restrictions) a.restrictions = restrictions.map((r) => ({ type: r.restriction_type, expiration: r.expiration }));
  const violation = v['violation_info'] as { violation_type: string } | undefined;
  if (violation) a.violation = violation.violation_type;
  const ban = v['ban_info'] as { waba_ban_state: string; waba_ban_date: string } | undefined;
  if (ban) a.ban = { state: ban.waba_ban_state, date: ban.waba_ban_date };
}
