import { Injectable } from '@nestjs/common';

import type { SqlTx } from '@wahooks/prisma';

/** What the provider is asked to do; stored with the row, sent as the request body. */
export interface SmsPayload {
  idempotencyKey: string;
  tenantId: string;
  wamid: string;
  internalMessageId: string | null;
  to: string;
  reason: string;
  template: { name: string; language: string } | null;
}

export interface ClaimedSms {
  id: bigint;
  tenantId: string;
  wamid: string;
  payload: SmsPayload;
  attempts: number;
  /** The message was delivered after all: do not send. */
  superseded: boolean;
}

/**
 * `fallback_sms`: the SMS outbox. UNIQUE (tenant_id, wamid) is the last line
 * of "one SMS per message": whatever the code above does, a second row for a
 * message cannot exist.
 */
@Injectable()
export class SmsRequestRepository {
  async insert(tx: SqlTx, payloads: SmsPayload[]): Promise<void> {
    if (payloads.length === 0) return;
    await tx.$executeRawUnsafe(
      `INSERT INTO fallback_sms (tenant_id, wamid, recipient, payload, idempotency_key)
       SELECT r.payload->>'tenantId', r.payload->>'wamid', r.payload->>'to', r.payload, r.payload->>'idempotencyKey'
       FROM jsonb_array_elements($1::jsonb) AS r(payload)
       ON CONFLICT DO NOTHING`,
      JSON.stringify(payloads),
    );
  }

  /**
   * Leases due rows: each is pushed `leaseMs` into the future (other
   * dispatchers, and this one, skip it until then) and handed back. The
   * provider is called after this transaction committed, never inside one;
   * a crash during the call leaves the row to be claimed again when the
   * lease runs out, and the next claim sends the same idempotency key, which
   * the provider deduplicates into the same SMS.
   */
  async leaseDue(tx: SqlTx, limit: number, leaseMs: number): Promise<ClaimedSms[]> {
    const rows = await tx.$queryRawUnsafe<Array<{ id: bigint; tenant_id: string; wamid: string; payload: SmsPayload; attempts: number; superseded: boolean }>>(
      `WITH due AS (
         SELECT s.id FROM fallback_sms s
         WHERE s.status = 'pending' AND s.next_attempt_at <= now()
         ORDER BY s.next_attempt_at, s.id LIMIT $1 FOR UPDATE OF s SKIP LOCKED
       ),
       leased AS (
         UPDATE fallback_sms s SET next_attempt_at = now() + ($2::int * interval '1 millisecond')
         FROM due WHERE s.id = due.id
         RETURNING s.id, s.tenant_id, s.wamid, s.payload, s.attempts
       )
       SELECT l.*, (m.superseded_by IS NOT NULL) AS superseded
       FROM leased l LEFT JOIN fallback_message m ON m.tenant_id = l.tenant_id AND m.wamid = l.wamid
       ORDER BY l.id`,
      limit,
      leaseMs,
    );
    return rows.map((r) => ({ id: BigInt(r.id), tenantId: r.tenant_id, wamid: r.wamid, payload: r.payload, attempts: r.attempts, superseded: r.superseded === true }));
  }

  /** Only a pending row completes: a second dispatcher that raced past the lease finds it done and changes nothing. */
  async complete(tx: SqlTx, id: bigint, outcome: 'sent' | 'failed' | 'cancelled', attempts: number, detail: { providerMessageId?: string | null; error?: string | null }): Promise<boolean> {
    const n = await tx.$executeRawUnsafe(
      `UPDATE fallback_sms SET status = $2, attempts = $3, provider_message_id = $4, last_error = $5, completed_at = now() WHERE id = $1 AND status = 'pending'`,
      id.toString(),
      outcome,
      attempts,
      detail.providerMessageId ?? null,
      detail.error ?? null,
    );
    return n > 0;
  }

  async reschedule(tx: SqlTx, id: bigint, attempts: number, delayMs: number, error: string): Promise<void> {
    await tx.$executeRawUnsafe(
      `UPDATE fallback_sms SET attempts = $2, last_error = $3, next_attempt_at = now() + ($4::int * interval '1 millisecond') WHERE id = $1 AND status = 'pending'`,
      id.toString(),
      attempts,
      error,
      delayMs,
    );
  }

  /** Outcomes for the read API. */
  async byWamids(db: Pick<SqlTx, '$queryRawUnsafe'>, tenantId: string, wamids: string[]): Promise<Map<string, { status: string; attempts: number; lastError: string | null; providerMessageId: string | null; completedAt: Date | null }>> {
    if (wamids.length === 0) return new Map();
    const rows = await db.$queryRawUnsafe<Array<{ wamid: string; status: string; attempts: number; last_error: string | null; provider_message_id: string | null; completed_at: Date | null }>>(
      `SELECT wamid, status, attempts, last_error, provider_message_id, completed_at FROM fallback_sms WHERE tenant_id = $1 AND wamid = ANY($2::text[])`,
      tenantId,
      wamids,
    );
    return new Map(rows.map((r) => [r.wamid, { status: r.status, attempts: r.attempts, lastError: r.last_error, providerMessageId: r.provider_message_id, completedAt: r.completed_at }]));
  }
}
