import { Client } from 'pg';

import { DatabasePool, SqlTransactions } from './sql-transactions';

const config = { url: process.env['DATABASE_URL'] ?? '', poolSize: 3, connectTimeoutMs: 5000, statementTimeoutMs: 10_000, idleInTransactionTimeoutMs: 10_000 };

describe('SqlTransactions when the connection is cut (failover, pg_terminate_backend)', () => {
  const database = new DatabasePool(config);
  const sql = new SqlTransactions(database);
  const uncaught: unknown[] = [];
  const record = (error: unknown): void => {
    uncaught.push(error);
  };

  beforeAll(() => process.on('uncaughtException', record));
  afterAll(async () => {
    process.off('uncaughtException', record);
    await database.onApplicationShutdown();
  });

  it('fails the transaction that waited between statements, without an unhandled error, and the next one gets a fresh connection', async () => {
    const pids: number[] = [];
    const cut = sql.run(async (tx) => {
      const [{ pid }] = await tx.$queryRawUnsafe<[{ pid: number }]>('SELECT pg_backend_pid() AS pid');
      pids.push(pid);
      await sql.query('SELECT pg_terminate_backend($1)', pid);
      // Waiting between statements (a batch's other work): the cut arrives now, as an 'error' event on the client.
      await new Promise((r) => setTimeout(r, 500));
      return tx.$queryRawUnsafe('SELECT 1');
    });
    await expect(cut).rejects.toThrow();
    expect(uncaught).toEqual([]);

    const [{ pid: next }] = await sql.run((tx) => tx.$queryRawUnsafe<[{ pid: number }]>('SELECT pg_backend_pid() AS pid'));
    expect(next).not.toBe(pids[0]);
    // Every connection the pool holds still answers.
    await Promise.all([1, 2, 3].map(() => sql.run((tx) => tx.$queryRawUnsafe('SELECT 1'))));
  });

  it('also when the cut lands on an idle pooled connection', async () => {
    const [{ pid }] = await sql.query<[{ pid: number }]>('SELECT pg_backend_pid() AS pid');
    const admin = new Client({ connectionString: config.url });
    await admin.connect();
    await admin.query('SELECT pg_terminate_backend($1)', [pid]).finally(() => admin.end());
    await new Promise((r) => setTimeout(r, 300));
    expect(uncaught).toEqual([]);
    await expect(sql.run((tx) => tx.$queryRawUnsafe('SELECT 1'))).resolves.toBeDefined();
  });
});
