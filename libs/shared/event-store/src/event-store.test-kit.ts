import { randomUUID } from 'node:crypto';

import { DatabasePool, PrismaService, TxClient } from '@wahooks/prisma';

import { NewEvent } from './event.types';

/** Helpers for this lib's integration tests (real Postgres, migrations applied). */

/** A pool on `url` with test-sized bounds (the database section). */
export function testPrisma(url: string, poolSize = 8): PrismaService {
  const database = { url, poolSize, connectTimeoutMs: 5000, statementTimeoutMs: 60_000, idleInTransactionTimeoutMs: 120_000 };
  return new PrismaService(new DatabasePool(database));
}

/** Every test writes under tenants of its own, so tests never see each other's rows. */
export const freshTenant = (label = 't'): string => `es-${label}-${randomUUID()}`;

export function inTx<T>(prisma: PrismaService, fn: (tx: TxClient) => Promise<T>): Promise<T> {
  return prisma.$transaction(fn, { timeout: 60_000, maxWait: 30_000 });
}

/** A transaction the test commits or rolls back when it chooses, to interleave two writers. */
export interface HeldTx {
  tx: TxClient;
  commit(): Promise<void>;
  rollback(): Promise<void>;
}

export async function holdTx(prisma: PrismaService): Promise<HeldTx> {
  let release!: (commit: boolean) => void;
  const decision = new Promise<boolean>((resolve) => (release = resolve));
  let ready!: (tx: TxClient) => void;
  const opened = new Promise<TxClient>((resolve) => (ready = resolve));
  const done = inTx(prisma, async (tx) => {
    ready(tx);
    if (!(await decision)) throw new RolledBack();
  }).catch((error: unknown) => {
    if (!(error instanceof RolledBack)) throw error;
  });
  const tx = await opened;
  return {
    tx,
    commit: async () => (release(true), done),
    rollback: async () => (release(false), done),
  };
}

class RolledBack extends Error {}

/**
 * Resolves once some backend waits on a lock in a statement whose first
 * kilobyte (what pg_stat_activity keeps of it) holds `fragment`.
 */
export async function untilBlocked(prisma: PrismaService, fragment: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    const [row] = await prisma.$queryRawUnsafe<Array<{ n: bigint }>>(
      `SELECT count(*) AS n FROM pg_stat_activity
       WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE $1`,
      `%${fragment}%`,
    );
    if (row && row.n > 0n) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`no statement with "${fragment}" ever waited on a lock`);
}

export function event(tenantId: string, streamId: string, key: string, data: unknown = { key }): NewEvent {
  return { tenantId, streamId, type: 'test.happened', schemaVersion: 1, data, idempotencyKey: key };
}
