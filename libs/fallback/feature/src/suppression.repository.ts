import { Injectable } from '@nestjs/common';

import type { SqlTx } from '@wahooks/prisma';
import type { SuppressionState } from '@wahooks/fallback-domain';

export interface ProjectedSuppression {
  tenantId: string;
  state: SuppressionState;
  lastPosition: bigint;
}

interface Row {
  user_key: string;
  suppressed: boolean;
  source: SuppressionState['source'];
  changed_at: Date;
  last_position: string | bigint;
}

const toState = (r: Row): SuppressionState => ({ user: r.user_key, suppressed: r.suppressed, source: r.source, changedAtMs: new Date(r.changed_at).getTime() });

/** The `marketing_suppression` projection: one row per user a tenant ever heard a preference from. */
@Injectable()
export class SuppressionRepository {
  async load(tx: SqlTx, tenantId: string, users: string[]): Promise<Map<string, ProjectedSuppression>> {
    if (users.length === 0) return new Map();
    const rows = await tx.$queryRawUnsafe<Row[]>(
      `SELECT user_key, suppressed, source, changed_at, last_position FROM marketing_suppression WHERE tenant_id = $1 AND user_key = ANY($2::text[])`,
      tenantId,
      users,
    );
    return new Map(rows.map((r) => [r.user_key, { tenantId, state: toState(r), lastPosition: BigInt(r.last_position) }]));
  }

  async upsert(tx: SqlTx, rows: ProjectedSuppression[]): Promise<void> {
    if (rows.length === 0) return;
    await tx.$executeRawUnsafe(
      `INSERT INTO marketing_suppression (tenant_id, user_key, suppressed, source, changed_at, last_position, updated_at)
       SELECT tenant_id, user_key, suppressed, source, changed_at, last_position, now()
       FROM jsonb_to_recordset($1::jsonb) AS r(tenant_id text, user_key text, suppressed boolean, source text, changed_at timestamptz, last_position bigint)
       ON CONFLICT (tenant_id, user_key) DO UPDATE SET suppressed = EXCLUDED.suppressed, source = EXCLUDED.source,
         changed_at = EXCLUDED.changed_at, last_position = EXCLUDED.last_position, updated_at = now()`,
      JSON.stringify(
        rows.map((r) => ({
          tenant_id: r.tenantId,
          user_key: r.state.user,
          suppressed: r.state.suppressed,
          source: r.state.source,
          changed_at: new Date(r.state.changedAtMs).toISOString(),
          last_position: r.lastPosition.toString(),
        })),
      ),
    );
  }

  /** Read API: one user (any of their ids), or the tenant's list. */
  async find(db: SqlTx, tenantId: string, users: string[]): Promise<SuppressionState | undefined> {
    return [...(await this.load(db, tenantId, users)).values()].map((r) => r.state).sort((a, b) => b.changedAtMs - a.changedAtMs)[0];
  }

  async list(db: SqlTx, tenantId: string, options: { suppressedOnly: boolean; limit: number; before?: Date }): Promise<SuppressionState[]> {
    const rows = await db.$queryRawUnsafe<Row[]>(
      `SELECT user_key, suppressed, source, changed_at, last_position FROM marketing_suppression
       WHERE tenant_id = $1 AND ($2::boolean = false OR suppressed) AND ($3::timestamptz IS NULL OR changed_at < $3)
       ORDER BY changed_at DESC, user_key LIMIT $4`,
      tenantId,
      options.suppressedOnly,
      options.before ?? null,
      options.limit,
    );
    return rows.map(toState);
  }
}
