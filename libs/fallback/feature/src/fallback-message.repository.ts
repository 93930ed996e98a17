import { Injectable } from '@nestjs/common';

import type { SqlTx } from '@wahooks/prisma';
import { awaitingOutcomeSince, FallbackState } from '@wahooks/fallback-domain';

/** A message's fold plus the last store position applied to it. */
export interface ProjectedFallback {
  tenantId: string;
  wamid: string;
  state: FallbackState;
  lastPosition: bigint;
}

const COLUMNS = `tenant_id text, wamid text, internal_message_id text, recipient text, error_code integer, error_class text,
  action text, reason text, sms_status text, superseded_by text, decided_at timestamptz, awaiting_since timestamptz,
  state jsonb, last_position bigint`;
const NAMES = COLUMNS.split(',').map((c) => c.trim().split(/\s+/)[0] as string);

const iso = (ms: number | null | undefined): string | null => (ms === null || ms === undefined ? null : new Date(ms).toISOString());

/** Every column is derived from `state`, so a rebuild reproduces the row exactly. */
function toColumns(m: ProjectedFallback): Record<string, unknown> {
  const s = m.state;
  return {
    tenant_id: m.tenantId,
    wamid: m.wamid,
    internal_message_id: s.internalMessageId,
    recipient: s.recipient,
    error_code: s.decision?.code ?? null,
    error_class: s.decision?.errorClass ?? null,
    action: s.decision?.action ?? (s.sms ? 'sms-fallback' : null),
    reason: s.decision?.reason ?? (s.sms ? s.sms.reason : null),
    sms_status: s.sms?.outcome ?? null,
    superseded_by: s.superseded?.byStatus ?? null,
    decided_at: iso(s.decision?.atMs ?? s.sms?.requestedAtMs),
    awaiting_since: iso(awaitingOutcomeSince(s)),
    state: s,
    last_position: m.lastPosition.toString(),
  };
}

/** The `fallback_message` projection, written in the caller's transaction. */
@Injectable()
export class FallbackMessageRepository {
  async load(tx: SqlTx, tenantId: string, wamids: string[]): Promise<Map<string, ProjectedFallback>> {
    const rows = await tx.$queryRawUnsafe<Array<{ wamid: string; state: FallbackState; last_position: string | bigint }>>(
      `SELECT wamid, state, last_position FROM fallback_message WHERE tenant_id = $1 AND wamid = ANY($2::text[])`,
      tenantId,
      wamids,
    );
    return new Map(rows.map((r) => [r.wamid, { tenantId, wamid: r.wamid, state: r.state, lastPosition: BigInt(r.last_position) }]));
  }

  async upsert(tx: SqlTx, messages: ProjectedFallback[]): Promise<void> {
    if (messages.length === 0) return;
    const updates = NAMES.filter((n) => n !== 'tenant_id' && n !== 'wamid').map((n) => `${n} = EXCLUDED.${n}`);
    await tx.$executeRawUnsafe(
      `INSERT INTO fallback_message (${NAMES.join(', ')}, updated_at)
       SELECT ${NAMES.join(', ')}, now() FROM jsonb_to_recordset($1::jsonb) AS r(${COLUMNS})
       ON CONFLICT (tenant_id, wamid) DO UPDATE SET ${updates.join(', ')}, updated_at = now()`,
      JSON.stringify(messages.map(toColumns)),
    );
  }

  /**
   * The retry budget of many internal messages in one query: for each, the
   * wamids a retry was already requested for (a message's own wamid is not
   * one of its earlier retries, the caller leaves it out).
   */
  async retriedWamids(tx: SqlTx, tenantId: string, internalMessageIds: string[]): Promise<Map<string, Set<string>>> {
    const out = new Map<string, Set<string>>();
    if (internalMessageIds.length === 0) return out;
    const rows = await tx.$queryRawUnsafe<Array<{ internal_message_id: string; wamid: string }>>(
      `SELECT internal_message_id, wamid FROM fallback_message WHERE tenant_id = $1 AND internal_message_id = ANY($2::text[]) AND action = 'retry'`,
      tenantId,
      internalMessageIds,
    );
    for (const r of rows) out.set(r.internal_message_id, (out.get(r.internal_message_id) ?? new Set()).add(r.wamid));
    return out;
  }

  /** Messages accepted before `before` that have no outcome yet (time-based fallback). */
  async awaitingBefore(tx: SqlTx, before: Date, limit: number): Promise<Array<{ tenantId: string; wamid: string }>> {
    const rows = await tx.$queryRawUnsafe<Array<{ tenant_id: string; wamid: string }>>(
      `SELECT tenant_id, wamid FROM fallback_message WHERE awaiting_since IS NOT NULL AND awaiting_since < $1 ORDER BY awaiting_since LIMIT $2`,
      before,
      limit,
    );
    return rows.map((r) => ({ tenantId: r.tenant_id, wamid: r.wamid }));
  }

  async truncate(tx: SqlTx): Promise<void> {
    await tx.$executeRawUnsafe('TRUNCATE fallback_message, marketing_suppression');
  }
}
