import { alertsFor } from './alerts';
import type { AccountUpdate, PhoneQualityChange } from './monitor-event.types';
import { maySend } from './send-policy';
import { projectAccount, projectPhone } from './waba-health';

const T = 1_700_000_000_000;

function update(event: string, minutes: number, extra: Partial<AccountUpdate> = {}): AccountUpdate {
  return { type: 'account.update', eventId: `${event}@${minutes}`, atMs: T + minutes * 60_000, event, phoneNumber: undefined, restrictions: [], violationType: undefined, ban: undefined, ...extra };
}

function phoneQuality(event: string, minutes: number, extra: Partial<PhoneQualityChange> = {}): PhoneQualityChange {
  return { type: 'phone_number.quality', eventId: `${event}@${minutes}`, atMs: T + minutes * 60_000, event, currentLimit: undefined, oldLimit: undefined, maxDailyConversations: undefined, ...extra };
}

describe('account and phone health', () => {
  it('blocks templates while a business-initiated restriction holds, and alerts once per restriction event', () => {
    const restriction = update('ACCOUNT_RESTRICTION', 1, { restrictions: [{ type: 'RESTRICTED_BIZ_INITIATED_MESSAGING', expiration: (T + 3_600_000) / 1000 }] });
    const account = projectAccount([restriction, update('PARTNER_ADDED', 2)]);
    expect(account.lastUpdate?.event).toBe('PARTNER_ADDED');
    expect(maySend(undefined, account, T + 60_000)).toMatchObject({ allowed: false, reason: 'ACCOUNT_RESTRICTED', untilMs: T + 3_600_000 });
    expect(maySend(undefined, account, T + 3_600_000).allowed).toBe(true);
    expect(alertsFor(restriction).map((a) => a.kind)).toEqual(['account.restricted']);
  });

  it('treats a ban with a prose date as a ban, and REINSTATE as none', () => {
    const ban = update('DISABLED_UPDATE', 1, { ban: { state: 'SCHEDULE_FOR_DISABLE', date: 'January 31, 2021' } });
    expect(projectAccount([ban]).ban).toEqual({ state: 'SCHEDULE_FOR_DISABLE', date: 'January 31, 2021', atMs: T + 60_000 });
    expect(alertsFor(ban).map((a) => a.kind)).toEqual(['account.banned']);
    expect(alertsFor(update('DISABLED_UPDATE', 2, { ban: { state: 'REINSTATE', date: 'April 17, 2025' } }))).toEqual([]);
  });

  it('tracks flagging and limits of a number, whatever the order, and alerts on degradation', () => {
    const flagged = phoneQuality('FLAGGED', 1, { currentLimit: { raw: 'TIER_10K', daily: 10_000 } });
    const down = phoneQuality('DOWNGRADE', 2, { currentLimit: { raw: 'TIER_2K', daily: 2000 }, oldLimit: { raw: 'TIER_10K', daily: 10_000 } });
    const a = projectPhone([flagged, down]);
    expect(projectPhone([down, flagged, down])).toStrictEqual(a);
    expect(a).toMatchObject({ flagged: true, qualityEvent: 'DOWNGRADE', limit: { raw: 'TIER_2K', daily: 2000 } });
    expect(projectPhone([flagged, phoneQuality('UNFLAGGED', 3)]).flagged).toBe(false);
    expect(alertsFor(flagged).map((x) => x.kind)).toEqual(['phone_number.flagged']);
    expect(alertsFor(down).map((x) => x.kind)).toEqual(['phone_number.degraded']);
    expect(alertsFor(phoneQuality('ONBOARDING', 4, { maxDailyConversations: { raw: 2000, daily: 2000 } }))).toEqual([]);
  });
});
