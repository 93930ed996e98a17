/**
 * What the event store needs from a transaction: raw SQL. A Prisma
 * interactive-transaction client fits it structurally, so no Prisma type
 * crosses this lib's boundary, and the root client does not: it has
 * `$transaction`, and appends must run inside one (the stream locks of the
 * first statement protect the second only within one transaction).
 */
export interface EventStoreTx {
  $queryRawUnsafe<T = unknown>(query: string, ...values: unknown[]): PromiseLike<T>;
  $executeRawUnsafe(query: string, ...values: unknown[]): PromiseLike<number>;
  $transaction?: never;
}

/**
 * What opens a transaction: the root client (PrismaService fits). Only
 * `settledPosition` takes one, because what it locks must be released
 * within milliseconds, so it cannot join a caller's transaction.
 */
export interface EventStoreDb {
  $transaction<T>(fn: (tx: EventStoreTx) => Promise<T>, options?: { timeout?: number }): Promise<T>;
}
