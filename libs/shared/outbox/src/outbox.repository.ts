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
   * Claims up to `limit` rows for this relay (others skip them), hands them
   * to `publish`, and deletes them only if it resolved.
   */
  async relay(limit: number, publish: (rows: PendingOutboxRow[]) => Promise<void>): Promise<number> {
    // A plain pg transaction: Prisma's interactive transactions abort after
    // 5 s, and a publish that outlived that (broker slow, producer still
    // connecting) left its rows behind to be published a second time.
    return this.sql.run(async (tx) => {
      const rows = await tx.$queryRawUnsafe<Array<Record<string, unknown>>>(
        `SELECT id, tenant_id, topic, key, payload, headers, idempotency_key
         FROM outbox ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED`,
        limit,
      );
      if (rows.length === 0) return 0;
      const pending = rows.map((r) => ({
        id: BigInt(r['id'] as string | number | bigint),
        tenantId: r['tenant_id'] as string,
        topic: r['topic'] as string,
        key: r['key'] as string,
        payload: r['payload'],
        headers: (r['headers'] ?? {}) as Record<string, string>,
        idempotencyKey: r['idempotency_key'] as string,
      }));
      await publish(pending);
      await tx.$executeRawUnsafe(`DELETE FROM outbox WHERE id = ANY($1::bigint[])`, pending.map((p) => p.id.toString()));
      return pending.length;
    });
  }

  async pendingCount(): Promise<number> {
    const [row] = await this.sql.run((tx) => tx.$queryRawUnsafe<Array<{ n: bigint | number }>>(`SELECT count(*) AS n FROM outbox`));
    return Number(row?.n ?? 0);
  }
}
