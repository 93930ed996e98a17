import { Injectable } from '@nestjs/common';

import { SqlTransactions, SqlTx } from '@wahooks/prisma';

import { OutboxMessage } from './outbox.types';

export interface PendingOutboxRow {
  id: bigint;
  tenantId: string;
  topic: string;
  key: string;
  payload: unknown;
  headers: Record<string, string>;
  idempotencyKey: string;
  /** Size of the payload as published (JSON bytes). */
  bytes: number;
}

/** What the relay did with each claimed row: published (delete it), refused for good (park it), or neither (it stays). */
export interface RelayOutcome {
  published: bigint[];
  parked: Array<{ id: bigint; reason: string }>;
}

/**
 * The transactional outbox: side effects are rows written in the same
 * transaction as the events that caused them, and a relay publishes them
 * afterwards. No dual write: either both the events and the intent to
 * publish exist, or neither does.
 */
@Injectable()
export class OutboxRepository {
  constructor(private readonly sql: SqlTransactions) {}

  /** Inserts messages; a repeated idempotency key for a tenant is ignored. */
  async add(tx: SqlTx, messages: OutboxMessage[]): Promise<void> {
    if (messages.length === 0) return;
    const rows = messages.map((m) => ({
      tenant_id: m.tenantId,
      topic: m.topic,
      key: m.key,
      payload: m.payload,
      headers: m.headers ?? {},
      idempotency_key: m.idempotencyKey,
    }));
    await tx.$executeRawUnsafe(
      `INSERT INTO outbox (tenant_id, topic, key, payload, headers, idempotency_key)
       SELECT tenant_id, topic, key, payload, headers, idempotency_key
       FROM jsonb_to_recordset($1::jsonb) AS r(tenant_id text, topic text, key text, payload jsonb, headers jsonb, idempotency_key text)
       ON CONFLICT (tenant_id, idempotency_key) DO NOTHING`,
      JSON.stringify(rows),
    );
  }

  /**
   * Claims up to `limit` rows, oldest first, for this relay (others skip
   * them), hands them to `publish`, then deletes the published ones and
   * moves the refused ones to `outbox_parked`, in the claiming transaction.
   * Rows neither published nor parked stay, for the next round. The claim
   * lasts only as long as the publish, which the producer bounds by its
   * publish timeout (well under the idle-in-transaction timeout).
   */
  async relay(limit: number, publish: (rows: PendingOutboxRow[]) => Promise<RelayOutcome>): Promise<RelayOutcome & { claimed: number }> {
    return this.sql.run(async (tx) => {
      const rows = await tx.$queryRawUnsafe<Array<Record<string, unknown>>>(
        `SELECT id, tenant_id, topic, key, payload, headers, idempotency_key, octet_length(payload::text) AS bytes
         FROM outbox ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED`,
        limit,
      );
      if (rows.length === 0) return { published: [], parked: [], claimed: 0 };
      const pending = rows.map((r) => ({
        id: BigInt(r['id'] as string | number | bigint),
        tenantId: r['tenant_id'] as string,
        topic: r['topic'] as string,
        key: r['key'] as string,
        payload: r['payload'],
        headers: (r['headers'] ?? {}) as Record<string, string>,
        idempotencyKey: r['idempotency_key'] as string,
        bytes: Number(r['bytes'] ?? 0),
      }));
      const outcome = await publish(pending);
      if (outcome.parked.length > 0) {
        await tx.$executeRawUnsafe(
          `WITH refused AS (SELECT * FROM unnest($1::bigint[], $2::text[]) AS p(id, reason)),
                moved AS (DELETE FROM outbox o USING refused r WHERE o.id = r.id RETURNING o.*, r.reason)
           INSERT INTO outbox_parked (id, tenant_id, topic, key, payload, headers, idempotency_key, created_at, reason)
           SELECT id, tenant_id, topic, key, payload, headers, idempotency_key, created_at, reason FROM moved
           ON CONFLICT (id) DO NOTHING`,
          outcome.parked.map((p) => p.id.toString()),
          outcome.parked.map((p) => p.reason),
        );
      }
      if (outcome.published.length > 0) {
        await tx.$executeRawUnsafe(`DELETE FROM outbox WHERE id = ANY($1::bigint[])`, outcome.published.map((id) => id.toString()));
      }
      return { ...outcome, claimed: pending.length };
    });
  }

  async pendingCount(): Promise<number> {
    const [row] = await this.sql.query<Array<{ n: bigint | number }>>(`SELECT count(*) AS n FROM outbox`);
    return Number(row?.n ?? 0);
  }

  async parkedCount(): Promise<number> {
    const [row] = await this.sql.query<Array<{ n: bigint | number }>>(`SELECT count(*) AS n FROM outbox_parked`);
    return Number(row?.n ?? 0);
  }
}
