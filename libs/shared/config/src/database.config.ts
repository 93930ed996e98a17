import { z } from 'zod';

import { defineSection, int } from './section';

/**
 * Postgres (libs/shared/prisma): the app's own role's URL (database-roles.ts)
 * and a bound on every call that can hang: connecting, each statement (and
 * lock wait), an idle open transaction.
 */
export const databaseSection = defineSection({
  name: 'database',
  env: {
    DATABASE_URL: z.string().url(),
    DATABASE_POOL_SIZE: int(10, 1),
    DATABASE_CONNECT_TIMEOUT_MS: int(5000, 100),
    DATABASE_STATEMENT_TIMEOUT_MS: int(30_000, 100),
    DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS: int(60_000, 1000),
  },
  // It holds the role's password.
  secrets: ['DATABASE_URL'],
  read: (c): DatabaseConfig => ({
    url: c.DATABASE_URL,
    poolSize: c.DATABASE_POOL_SIZE,
    connectTimeoutMs: c.DATABASE_CONNECT_TIMEOUT_MS,
    statementTimeoutMs: c.DATABASE_STATEMENT_TIMEOUT_MS,
    idleInTransactionTimeoutMs: c.DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS,
  }),
  hosts: (d) => [new URL(d.url).hostname],
});

export interface DatabaseConfig {
  url: string;
  poolSize: number;
  connectTimeoutMs: number;
  statementTimeoutMs: number;
  idleInTransactionTimeoutMs: number;
}
