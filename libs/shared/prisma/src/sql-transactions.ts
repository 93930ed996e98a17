import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { Pool, PoolClient, types } from 'pg';

import { APP_CONFIG, AppConfig } from '@wahooks/config';

/** The raw-SQL surface repositories use inside a transaction (a Prisma transaction client fits it too). */
export interface SqlTx {
  $queryRawUnsafe<T = unknown>(query: string, ...values: unknown[]): Promise<T>;
  $executeRawUnsafe(query: string, ...values: unknown[]): Promise<number>;
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

/**
 * Transactions on a plain `pg` pool for the consumers' hot path. The Prisma
 * client runs every raw parameter through its WASM query compiler, which
 * took ~18% of a consumer's CPU on batches of thousands of JSON rows; the
 * SQL is the same either way. Everything else keeps using Prisma.
 */
@Injectable()
export class SqlTransactions implements OnApplicationShutdown {
  private readonly logger = new Logger(SqlTransactions.name);
  private readonly pool: Pool;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.pool = new Pool({ connectionString: config.database.url, max: config.database.poolSize, types: typeParsers });
    // An idle client whose server went away (Postgres restarted: 57P01) emits
    // 'error' on the pool; unhandled, that would kill the process. The pool
    // drops the client, and the next transaction gets a fresh connection.
    this.pool.on('error', (error) => this.logger.warn({ err: error.message }, 'idle database connection lost; it will be replaced'));
  }


  async run<T>(work: (tx: SqlTx) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await work(new PgTx(client));
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  /** After the consumer has finished its batch (see PrismaService). */
  async onApplicationShutdown(): Promise<void> {
    await this.pool.end();
  }
}
