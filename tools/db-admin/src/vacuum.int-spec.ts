import { randomBytes } from 'node:crypto';

import { Client } from 'pg';

import { testDatabaseUrl } from '@wahooks/testing';

import { vacuumChurn } from './vacuum';

describe('db-admin vacuum against the test database, as the owner', () => {
  const db = new Client({ connectionString: testDatabaseUrl('owner') });
  beforeAll(() => db.connect());
  afterAll(() => db.end());

  it('reclaims the dead tuples a drained outbox leaves, leaving tables that are not due alone', async () => {
    const tenant = `vacuum-${randomBytes(4).toString('hex')}`;
    await db.query(
      `INSERT INTO outbox (tenant_id, topic, key, payload, idempotency_key)
       SELECT $1, 'whatsapp.status.v1', 'k', '{}'::jsonb, $1 || '-' || i FROM generate_series(1, 3000) i`,
      [tenant],
    );
    await db.query('DELETE FROM outbox WHERE tenant_id = $1', [tenant]);
    // The statistics arrive shortly after the transactions end.
    const dead = async () => Number((await db.query<{ n: string }>(`SELECT n_dead_tup AS n FROM pg_stat_user_tables WHERE relname = 'outbox'`)).rows[0]?.n ?? 0);
    for (let i = 0; i < 40 && (await dead()) < 3000; i++) await new Promise((r) => setTimeout(r, 250));
    expect(await dead()).toBeGreaterThanOrEqual(3000);

    const results = await vacuumChurn(db, { tables: ['outbox', 'waba_health'], policy: { minDead: 3000, deadRatio: 0 } });
    expect(results.find((r) => r.table === 'outbox')).toMatchObject({ vacuumed: true });
    expect(results.find((r) => r.table === 'waba_health')).toMatchObject({ vacuumed: false });
    for (let i = 0; i < 40 && (await dead()) >= 3000; i++) await new Promise((r) => setTimeout(r, 250));
    expect(await dead()).toBeLessThan(3000);
    const { rows } = await db.query<{ last: Date | null }>(`SELECT last_vacuum AS last FROM pg_stat_user_tables WHERE relname = 'outbox'`);
    expect(Date.now() - (rows[0]?.last?.getTime() ?? 0)).toBeLessThan(60_000);
  });
});
