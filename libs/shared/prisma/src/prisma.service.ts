import { Inject, Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';

import { PrismaClient } from './generated/client';
import { DatabasePool } from './sql-transactions';

export { Prisma } from './generated/client';

/**
 * The one Prisma client of a process, on the pg driver adapter (Prisma's JS
 * engine: no engine binary to download) over the process's one pool
 * (DatabasePool). Injected by the repositories of the tenant registry and by
 * tools; the consumers' hot paths use SqlTransactions.
 */
@Injectable()
export class PrismaService extends PrismaClient implements OnModuleInit, OnApplicationShutdown {
  constructor(@Inject(DatabasePool) database: DatabasePool) {
    super({ adapter: new PrismaPg(database.pool) });
  }

  async onModuleInit(): Promise<void> {
    await this.$connect();
  }

  /**
   * Last, not in onModuleDestroy: Nest destroys modules before it closes the
   * HTTP server and the Kafka consumer, whose in-flight work still needs the
   * database to finish. The shared pool is ended by DatabasePool.
   */
  async onApplicationShutdown(): Promise<void> {
    await this.$disconnect();
  }

  /** Cheap round trip for readiness checks. */
  async ping(): Promise<void> {
    await this.$queryRawUnsafe('SELECT 1');
  }
}

/** The client handed to repositories inside a transaction. */
export type TxClient = Omit<
  PrismaClient,
  '$connect' | '$disconnect' | '$on' | '$transaction' | '$extends'
>;
