import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { Pool, PoolClient, PoolConfig, types } from 'pg';

import { DatabaseConfig, databaseSection } from '@wahooks/config';

/** The raw-SQL surface repositories use inside a transaction (a Prisma transaction client fits it too). */
export interface SqlTx {
  $queryRawUnsafe<T = unknown>(query: string, ...values: unknown[]): Promise<T>;
  $executeRawUnsafe(query: string, ...values: unknown[]): Promise<number>;
}

export interface RunOptions {
  /** This transaction's statement timeout, when it must differ from the pool's (a rebuild runs long statements). */
  statementTimeoutMs?: number;
}

// int8 as BigInt, exactly as Prisma returns it, so repositories see the same types on both paths.
const typeParsers = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === types.builtins.INT8 ? (v: string) => BigInt(v) : types.getTypeParser(oid, format)) as typeof types.getTypeParser,
};

class PgTx implements SqlTx {
  constructor(private readonly client: PoolClient) {}

  async $queryRawUnsafe<T = unknown>(query: string, ...values: unknown[]): Promise<T> {
    return (await this.client.query(query, values.map(toParam))).rows as T;
  }

  async $executeRawUnsafe(query: string, ...values: unknown[]): Promise<number> {
    return (await this.client.query(query, values.map(toParam))).rowCount ?? 0;
  }
}

const toParam = (v: unknown): unknown => (typeof v === 'bigint' ? v.toString() : v);

/** Pool settings that bound every wait: connect, statement, lock, idle transaction, dead peers (TCP keepalive). */
export function boundedPoolConfig(database: DatabaseConfig): PoolConfig {
  return {
    connectionString: database.url,
    max: database.poolSize,
    connectionTimeoutMillis: database.connectTimeoutMs,
    // Server-side: a statement or lock wait past this is cancelled (57014), an idle open transaction closed (25P03).
    statement_timeout: database.statementTimeoutMs,
    lock_timeout: database.statementTimeoutMs,
    idle_in_transaction_session_timeout: database.idleInTransactionTimeoutMs,
    // Client-side: a server that stopped answering (network gone, host frozen) is given up on a little later.
    query_timeout: database.statementTimeoutMs + 5000,
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
  };
}

/**
 * The process's one connection pool, shared by the transaction engine below
 * and by Prisma (its driver adapter takes this pool): one set of
 * connections, one set of bounds.
 */
@Injectable()
export class DatabasePool implements OnApplicationShutdown {
  private readonly logger = new Logger(DatabasePool.name);
  readonly pool: Pool;

  constructor(@Inject(databaseSection.token) database: DatabaseConfig) {
    this.pool = new Pool({ ...boundedPoolConfig(database), types: typeParsers });
    // An idle client whose server went away (Postgres restarted: 57P01) emits
    // 'error' on the pool; unhandled, that would kill the process. The pool
    // drops the client, and the next transaction gets a fresh connection.
    this.pool.on('error', (error) => this.logger.warn({ err: error.message }, 'idle database connection lost; it will be replaced'));
  }

  /** Last: the consumer's batch, the workers and Prisma are done with it by now. */
  async onApplicationShutdown(): Promise<void> {
    await this.pool.end();
  }
}

/**
 * The one transaction engine of the hot paths: a plain `pg` pool. Every
 * consumer's batch, the outbox relay, the polling workers and rebuilds run
 * their transactions here. Prisma stays where it serves (migrations, the
 * tenant registry); its client runs every raw parameter through a WASM
 * query compiler, which took ~18% of a consumer's CPU on batches of
 * thousands of JSON rows, and its interactive transactions expire on a
 * timer. The SQL is the same either way.
 */
@Injectable()
export class SqlTransactions {
  private readonly pool: Pool;

  constructor(database: DatabasePool) {
    this.pool = database.pool;
  }

  async run<T>(work: (tx: SqlTx) => Promise<T>, options: RunOptions = {}): Promise<T> {
    const client = await this.pool.connect();
    let broken = false;
    // A checked-out client has no listener of the pool's: its connection cut while the transaction
    // waits between statements (57P01 on a failover or pg_terminate_backend) would be an unhandled
    // 'error' event and end the process. The statement in flight, or the next one, fails instead.
    const onLost = (): void => {
      broken = true;
    };
    client.on('error', onLost);
    try {
      await client.query('BEGIN');
      if (options.statementTimeoutMs !== undefined) {
        const ms = Math.max(0, Math.round(options.statementTimeoutMs));
        await client.query(`SET LOCAL statement_timeout = ${ms}; SET LOCAL lock_timeout = ${ms}`);
      }
      const result = await work(new PgTx(client));
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {
        broken = true;
      });
      throw error;
    } finally {
      client.off('error', onLost);
      // A connection that was cut or could not even roll back is not given to the next transaction.
      client.release(broken);
    }
  }

  /** For code written against a Prisma-style root client (EventStoreDb): the same transaction, `timeout` as its statement timeout. */
  $transaction<T>(work: (tx: SqlTx) => Promise<T>, options?: { timeout?: number }): Promise<T> {
    return this.run(work, options?.timeout !== undefined ? { statementTimeoutMs: options.timeout } : {});
  }

  /** One statement outside a transaction (reads, readiness). */
  async query<T = unknown>(query: string, ...values: unknown[]): Promise<T> {
    return (await this.pool.query(query, values.map(toParam))).rows as T;
  }

  /** Cheap round trip for readiness checks. */
  async ping(): Promise<void> {
    await this.pool.query('SELECT 1');
  }
}
