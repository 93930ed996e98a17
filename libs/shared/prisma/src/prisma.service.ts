import { Inject, Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';

import { APP_CONFIG, AppConfig } from '@wahooks/config';

import { PrismaClient } from './generated/client';

export { Prisma } from './generated/client';

/**
 * The one Prisma client of a process, on the pg driver adapter (Prisma's JS
 * engine: no engine binary to download). Only repositories inject it.
 */
@Injectable()
export class PrismaService extends PrismaClient implements OnModuleInit, OnApplicationShutdown {
  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    super({ adapter: new PrismaPg({ connectionString: config.database.url, max: config.database.poolSize }) });
  }

  async onModuleInit(): Promise<void> {
    await this.$connect();
  }

  /**
   * Last, not in onModuleDestroy: Nest destroys modules before it closes the
   * HTTP server and the Kafka consumer, whose in-flight work still needs the
   * database to finish.
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
