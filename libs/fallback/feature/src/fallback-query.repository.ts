import { Injectable } from '@nestjs/common';

import type { FallbackState } from '@wahooks/fallback-domain';
import { PrismaService } from '@wahooks/prisma';

export interface FallbackRow {
  wamid: string;
  internal_message_id: string | null;
  recipient: string | null;
  error_code: number | null;
  error_class: string | null;
  action: string | null;
  reason: string | null;
  sms_status: string | null;
  superseded_by: string | null;
  decided_at: Date | null;
  state: FallbackState;
  sms_attempts: number | null;
  sms_last_error: string | null;
  sms_provider_message_id: string | null;
  sms_completed_at: Date | null;
}

export interface FallbackFilter {
  action?: string;
  errorCode?: number;
  smsStatus?: string;
  from?: Date;
  to?: Date;
  after?: { decidedAt: string; wamid: string };
  limit: number;
}

const SELECT = `SELECT m.wamid, m.internal_message_id, m.recipient, m.error_code, m.error_class, m.action, m.reason, m.sms_status,
  m.superseded_by, m.decided_at, m.state, s.attempts AS sms_attempts, s.last_error AS sms_last_error,
  s.provider_message_id AS sms_provider_message_id, s.completed_at AS sms_completed_at
  FROM fallback_message m LEFT JOIN fallback_sms s ON s.tenant_id = m.tenant_id AND s.wamid = m.wamid`;

/** Reads for the API; the authenticated tenant is always the first predicate. */
@Injectable()
export class FallbackQueryRepository {
  constructor(private readonly prisma: PrismaService) {}

  async byWamid(tenantId: string, wamid: string): Promise<FallbackRow | undefined> {
    const [row] = await this.prisma.$queryRawUnsafe<FallbackRow[]>(`${SELECT} WHERE m.tenant_id = $1 AND m.wamid = $2`, tenantId, wamid);
    return row;
  }

  /** Messages something was decided about (a failure or a time-based SMS), newest first. */
  async list(tenantId: string, f: FallbackFilter): Promise<FallbackRow[]> {
    const where = ['m.tenant_id = $1', 'm.decided_at IS NOT NULL'];
    const params: unknown[] = [tenantId];
    const add = (sql: (p: string) => string, value: unknown) => {
      params.push(value);
      where.push(sql(`$${params.length}`));
    };
    if (f.action) add((p) => `m.action = ${p}`, f.action);
    if (f.errorCode !== undefined) add((p) => `m.error_code = ${p}`, f.errorCode);
    if (f.smsStatus) add((p) => `m.sms_status = ${p}`, f.smsStatus);
    if (f.from) add((p) => `m.decided_at >= ${p}`, f.from);
    if (f.to) add((p) => `m.decided_at < ${p}`, f.to);
    if (f.after) {
      params.push(f.after.decidedAt, f.after.wamid);
      where.push(`(m.decided_at, m.wamid) < ($${params.length - 1}::timestamptz, $${params.length})`);
    }
    params.push(f.limit);
    return this.prisma.$queryRawUnsafe<FallbackRow[]>(`${SELECT} WHERE ${where.join(' AND ')} ORDER BY m.decided_at DESC, m.wamid DESC LIMIT $${params.length}`, ...params);
  }

  async counts(tenantId: string, from: Date, to: Date): Promise<{ byErrorCode: Record<string, number>; byAction: Record<string, number>; byErrorCodeAndAction: Array<{ errorCode: number | null; action: string; count: number }> }> {
    const rows = await this.prisma.$queryRawUnsafe<Array<{ error_code: number | null; action: string; n: bigint }>>(
      `SELECT error_code, action, count(*) AS n FROM fallback_message
       WHERE tenant_id = $1 AND decided_at >= $2 AND decided_at < $3 AND action IS NOT NULL GROUP BY 1, 2 ORDER BY 1, 2`,
      tenantId,
      from,
      to,
    );
    const byErrorCode: Record<string, number> = {};
    const byAction: Record<string, number> = {};
    for (const r of rows) {
      const code = r.error_code === null ? 'none' : String(r.error_code);
      byErrorCode[code] = (byErrorCode[code] ?? 0) + Number(r.n);
      byAction[r.action] = (byAction[r.action] ?? 0) + Number(r.n);
    }
    return { byErrorCode, byAction, byErrorCodeAndAction: rows.map((r) => ({ errorCode: r.error_code, action: r.action, count: Number(r.n) })) };
  }
}
