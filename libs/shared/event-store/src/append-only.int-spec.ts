import { Client } from 'pg';

import { testDatabaseUrl } from '@wahooks/testing';

import { EventStore } from './event-store';
import { event, freshTenant, inTx, testPrisma } from './event-store.test-kit';

// The owner role: it owns events and holds every privilege on it, so only the
// trigger stands between it and history. The app roles are refused earlier, by
// their privileges (tools/db-admin/src/least-privilege.int-spec.ts).
const url = testDatabaseUrl('owner');
const prisma = testPrisma(url);
const store = new EventStore();
// A plain driver connection, as an operator's psql session would be.
const sql = new Client({ connectionString: url });

beforeAll(() => sql.connect());
afterAll(() => Promise.all([prisma.$disconnect(), sql.end()]));

/** The database itself, not the lib, refuses to change history: plain SQL is the attacker here. */
describe('events are append-only in the database', () => {
  let tenant: string;

  beforeAll(async () => {
    tenant = freshTenant();
    await inTx(prisma, (tx) => store.appendBatch(tx, [event(tenant, 's', 'k1'), event(tenant, 's', 'k2')]));
  });

  it.each([
    ['UPDATE', `UPDATE events SET data = '{}' WHERE tenant_id = $1`],
    ['DELETE', `DELETE FROM events WHERE tenant_id = $1`],
    ['TRUNCATE', `TRUNCATE events`],
    // Refused even when no row matches: the trigger is statement-level.
    ['UPDATE', `UPDATE events SET type = 'x' WHERE tenant_id = $1 AND false`],
    [
      'UPDATE',
      `MERGE INTO events e USING (SELECT $1::text AS tenant_id) s ON e.tenant_id = s.tenant_id
       WHEN MATCHED THEN UPDATE SET type = 'rewritten'`,
    ],
  ])('refuses %s: %s', async (op, statement) => {
    // Inside a transaction rolled back afterwards: should the trigger ever go
    // missing, this test fails without wiping a shared test database.
    await sql.query('BEGIN');
    const attempt = sql.query(statement, statement.includes('$1') ? [tenant] : []);
    await expect(attempt).rejects.toMatchObject({
      code: 'P0001',
      message: `events is append-only: ${op} refused`,
      hint: 'Record a compensating event instead of changing history.',
    });
    await sql.query('ROLLBACK');

    const stream = await inTx(prisma, (tx) => store.readStream(tx, tenant, 's'));
    expect(stream.map((e) => [e.idempotencyKey, e.type])).toEqual([
      ['k1', 'test.happened'],
      ['k2', 'test.happened'],
    ]);
  });
});
