import type { Oracle, RawLimit } from './plan.types';
import type { Diffs, ReadApi } from './read-api';

type Limit = { raw: RawLimit } | null | undefined;

interface PhoneItem {
  wabaId: string;
  displayPhoneNumber: string;
  qualityEvent: string | null;
  flagged: boolean;
  limit: Limit;
  previousLimit: Limit;
  name: { decision?: string; requestedVerifiedName?: string; rejectionReason?: string } | null;
}

interface AccountItem {
  wabaId: string;
  lastUpdate: { event?: string } | null;
  restrictions: Array<{ type?: string; expiration?: number | string }>;
  violation: { type?: string } | null;
  ban: { state?: string; date?: number | string } | null;
  review: { decision?: string } | null;
  capability: { maxDailyConversationsPerBusiness?: Limit; maxDailyConversationPerPhone?: Limit; maxPhoneNumbersPerBusiness?: number } | null;
}

const raw = (l: Limit): RawLimit | null => l?.raw ?? null;

/** `GET /v1/numbers` and `GET /v1/accounts` of the template monitor: every expected number and account in its final state; no other. */
export async function verifyAccounts(oracle: Oracle, api: ReadApi, diffs: Diffs): Promise<{ phoneNumbers: number; accounts: number }> {
  const t = api.tenantId;
  const check = (subject: string, field: string, expected: unknown, actual: unknown) => diffs.check(api.service, t, subject, field, expected, actual);
  const expectedPhones = oracle.phoneNumbers.filter((p) => p.tenantId === t);
  const expectedAccounts = oracle.accounts.filter((a) => a.tenantId === t);

  const numbers = await api.get<{ items: PhoneItem[] }>('/v1/numbers');
  if (numbers) {
    const byKey = new Map(numbers.items.map((p) => [`${p.wabaId}|${p.displayPhoneNumber}`, p]));
    for (const p of expectedPhones) {
      const key = `${p.wabaId}|${p.displayPhoneNumber}`;
      const got = byKey.get(key);
      byKey.delete(key);
      if (!got) {
        diffs.add(api.service, t, `number ${key}`, 'number', p.qualityEvent ?? p.name?.decision, 'missing');
        continue;
      }
      const s = `number ${key}`;
      check(s, 'qualityEvent', p.qualityEvent, got.qualityEvent);
      check(s, 'flagged', p.flagged, got.flagged);
      check(s, 'limit', p.limit, raw(got.limit));
      check(s, 'previousLimit', p.previousLimit, raw(got.previousLimit));
      check(s, 'name', p.name, got.name ? { decision: got.name.decision ?? null, requestedVerifiedName: got.name.requestedVerifiedName ?? null, rejectionReason: got.name.rejectionReason ?? null } : null);
    }
    for (const [key, extra] of byKey) diffs.add(api.service, t, `number ${key}`, 'number', 'absent', extra.qualityEvent);
  } else if (numbers === null) diffs.add(api.service, t, '/v1/numbers', 'http', 200, 404);

  const accounts = await api.get<{ items: AccountItem[] }>('/v1/accounts');
  if (accounts) {
    const byWaba = new Map(accounts.items.map((a) => [a.wabaId, a]));
    for (const a of expectedAccounts) {
      const got = byWaba.get(a.wabaId);
      byWaba.delete(a.wabaId);
      const s = `account ${a.wabaId}`;
      if (!got) {
        diffs.add(api.service, t, s, 'account', a.lastUpdate ?? a.review, 'missing');
        continue;
      }
      check(s, 'lastUpdate', a.lastUpdate, got.lastUpdate?.event);
      check(s, 'restrictions', a.restrictions, got.restrictions.map((r) => ({ type: r.type, expiration: r.expiration })));
      check(s, 'violation', a.violation, got.violation?.type);
      check(s, 'ban', a.ban, got.ban ? { state: got.ban.state, date: got.ban.date } : null);
      check(s, 'review', a.review, got.review?.decision);
      const c = got.capability;
      check(s, 'capability', a.capability, c ? { maxDailyConversationsPerBusiness: raw(c.maxDailyConversationsPerBusiness), maxDailyConversationPerPhone: raw(c.maxDailyConversationPerPhone), maxPhoneNumbersPerBusiness: c.maxPhoneNumbersPerBusiness ?? null } : null);
    }
    for (const [waba, extra] of byWaba) diffs.add(api.service, t, `account ${waba}`, 'account', 'absent', extra.lastUpdate?.event ?? null);
  } else if (accounts === null) diffs.add(api.service, t, '/v1/accounts', 'http', 200, 404);

  return { phoneNumbers: expectedPhones.length, accounts: expectedAccounts.length };
}
