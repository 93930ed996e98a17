import { TABLE_GRANTS } from './grants';
import { churnTables, DEFAULT_VACUUM_POLICY, dueForVacuum } from './vacuum';

describe('db-admin vacuum: which tables, and when', () => {
  it('covers every table some app updates or deletes, and no insert-only one', () => {
    const tables = churnTables();
    for (const t of ['outbox', 'event_streams', 'projection_checkpoints', 'message_status', 'fallback_sms', 'inbound_media', 'alert_deliveries', 'inbound_conversations']) expect(tables).toContain(t);
    // Append-only or insert-only: nothing to reclaim (the append-only trigger forbids UPDATE and DELETE on events).
    for (const t of ['events', 'outbox_parked', 'monitor_alerts', 'alert_delivery_attempts']) expect(tables).not.toContain(t);
    expect(tables.every((t) => t in TABLE_GRANTS)).toBe(true);
  });

  it('follows the grant table: a table gains vacuuming when a role gains UPDATE or DELETE on it', () => {
    expect(churnTables({ a: { grants: { intake: 'SI' }, why: '' }, b: { grants: { intake: 'S', 'status-projector': 'SIU' }, why: '' }, c: { grants: { 'inbound-reply': 'SID' }, why: '' } })).toEqual(['b', 'c']);
  });

  it('vacuums from 1,000 dead tuples that are also 20% of the live ones', () => {
    expect(DEFAULT_VACUUM_POLICY).toEqual({ minDead: 1000, deadRatio: 0.2 });
    expect(dueForVacuum({ table: 'outbox', live: 400, dead: 999 })).toBe(false);
    expect(dueForVacuum({ table: 'outbox', live: 400, dead: 1000 })).toBe(true);
    expect(dueForVacuum({ table: 'message_status', live: 100_000, dead: 19_999 })).toBe(false);
    expect(dueForVacuum({ table: 'message_status', live: 100_000, dead: 20_000 })).toBe(true);
    expect(dueForVacuum({ table: 'outbox', live: 0, dead: 5 }, { minDead: 1, deadRatio: 0 })).toBe(true);
  });
});
