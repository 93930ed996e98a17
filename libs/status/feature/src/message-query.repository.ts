import { Injectable } from '@nestjs/common';

import { PrismaService } from '@wahooks/prisma';
import type { MessageState } from '@wahooks/status-domain';

export interface MessageRow {
  tenant_id: string;
  wamid: string;
  internal_message_id: string | null;
  current_status: string | null;
  recipient: string | null;
  first_seen_at: Date | null;
  stalled_reason: string | null;
  state: MessageState;
}

export interface MessageFilter {
  status?: string;
  errorCode?: number;
  recipient?: string;
  from?: Date;
  to?: Date;
  /** Keyset cursor: (first_seen_at, wamid) of the last row of the previous page. */
  after?: { firstSeenAt: string; wamid: string };
  limit: number;
}

const SELECT = `SELECT tenant_id, wamid, internal_message_id, current_status, recipient, first_seen_at, stalled_reason, state FROM message_status`;

/**
 * Reads of the projection. Every query is scoped by the tenant the API key
 * authenticated: the tenant id is always the first predicate.
 */
@Injectable()
export class MessageQueryRepository {
  constructor(private readonly prisma: PrismaService) {}

  async byWamid(tenantId: string, wamid: string): Promise<MessageRow | undefined> {
    const [row] = await this.prisma.$queryRawUnsafe<MessageRow[]>(`${SELECT} WHERE tenant_id = $1 AND wamid = $2`, tenantId, wamid);
    return row;
  }

  async byInternalId(tenantId: string, internalId: string): Promise<MessageRow | undefined> {
    const [row] = await this.prisma.$queryRawUnsafe<MessageRow[]>(
      `${SELECT} WHERE tenant_id = $1 AND internal_message_id = $2 ORDER BY first_seen_at LIMIT 1`,
      tenantId,
      internalId,
    );
    return row;
  }

  async list(tenantId: string, f: MessageFilter): Promise<MessageRow[]> {
    const where = ['tenant_id = $1'];
    const params: unknown[] = [tenantId];
    const add = (sql: (n: string) => string, value: unknown) => {
      params.push(value);
      where.push(sql(`$${params.length}`));
    };
    if (f.status) add((p) => `current_status = ${p}`, f.status);
    if (f.errorCode !== undefined) add((p) => `error_codes @> ARRAY[${p}::int]`, f.errorCode);
    if (f.recipient) add((p) => `recipient = ${p}`, f.recipient);
    if (f.from) add((p) => `first_seen_at >= ${p}`, f.from);
    if (f.to) add((p) => `first_seen_at < ${p}`, f.to);
    if (f.after) {
      params.push(f.after.firstSeenAt, f.after.wamid);
      where.push(`(first_seen_at, wamid) < ($${params.length - 1}::timestamptz, $${params.length})`);
    }
    params.push(f.limit);
    return this.prisma.$queryRawUnsafe<MessageRow[]>(
      `${SELECT} WHERE ${where.join(' AND ')} AND first_seen_at IS NOT NULL ORDER BY first_seen_at DESC, wamid DESC LIMIT $${params.length}`,
      ...params,
    );
  }

  async counts(tenantId: string, from: Date, to: Date): Promise<{ byStatus: Record<string, number>; byErrorCode: Record<string, number> }> {
    const statuses = await this.prisma.$queryRawUnsafe<Array<{ status: string | null; n: bigint }>>(
      `SELECT current_status AS status, count(*) AS n FROM message_status
       WHERE tenant_id = $1 AND first_seen_at >= $2 AND first_seen_at < $3 GROUP BY 1`,
      tenantId,
      from,
      to,
    );
    const codes = await this.prisma.$queryRawUnsafe<Array<{ code: number; n: bigint }>>(
      `SELECT code, count(*) AS n FROM message_status, unnest(error_codes) AS code
       WHERE tenant_id = $1 AND first_seen_at >= $2 AND first_seen_at < $3 GROUP BY 1`,
      tenantId,
      from,
      to,
    );
    return {
      byStatus: Object.fromEntries(statuses.map((r) => [r.status ?? 'unknown', Number(r.n)])),
      byErrorCode: Object.fromEntries(codes.map((r) => [String(r.code), Number(r.n)])),
    };
  }

  /** Messages that may have stalled: the detector decides with the domain rule. */
  async stallCandidates(olderThan: Date, limit: number): Promise<MessageRow[]> {
    return this.prisma.$queryRawUnsafe<MessageRow[]>(
      `${SELECT} WHERE current_status IN ('accepted', 'sent') AND stalled_reason IS NULL AND last_event_at < $1
       ORDER BY last_event_at LIMIT $2`,
      olderThan,
      limit,
    );
  }
}
