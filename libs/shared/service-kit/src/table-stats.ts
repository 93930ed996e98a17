import { Injectable } from '@nestjs/common';

import { MetricsService } from '@wahooks/observability';
import { SqlTransactions } from '@wahooks/prisma';
import { BackgroundTask } from '@wahooks/worker';

interface TableRow {
  table: string;
  live: string;
  dead: string;
  bytes: string;
}

/**
 * Reports, every minute, the size and dead tuples of the tables this
 * service's database role may UPDATE or DELETE: the ones that bloat when
 * vacuum does not keep up (autovacuum off or behind, `db-admin vacuum` not
 * scheduled). The alert rule in ops/prometheus/wahooks.rules.yml fires on
 * them; docs/database.md, "Vacuum and bloat", says what to do. Tables shared
 * by every consumer (outbox, event_streams, checkpoints) are reported by each:
 * the same numbers, aggregate with max by (table).
 */
@Injectable()
export class TableStats extends BackgroundTask {
  readonly name = 'table-stats';
  readonly idleMs = 60_000;
  private readonly live;
  private readonly dead;
  private readonly bytes;

  constructor(
    private readonly sql: SqlTransactions,
    metrics: MetricsService,
  ) {
    super();
    this.live = metrics.gauge('wahooks_table_live_tuples', 'Live rows of a table this service updates or deletes (pg_stat_user_tables, an estimate)', ['table']);
    this.dead = metrics.gauge('wahooks_table_dead_tuples', 'Dead row versions of that table not yet reclaimed by vacuum', ['table']);
    this.bytes = metrics.gauge('wahooks_table_bytes', 'Size of that table with its indexes and TOAST (pg_total_relation_size)', ['table']);
  }

  async round(): Promise<number> {
    const rows = await this.sql.query<TableRow[]>(
      `SELECT relname AS table, n_live_tup AS live, n_dead_tup AS dead, pg_total_relation_size(relid) AS bytes
       FROM pg_stat_user_tables
       WHERE schemaname = current_schema()
         AND (has_table_privilege(relid, 'UPDATE') OR has_table_privilege(relid, 'DELETE'))`,
    );
    for (const r of rows) {
      this.live.set({ table: r.table }, Number(r.live));
      this.dead.set({ table: r.table }, Number(r.dead));
      this.bytes.set({ table: r.table }, Number(r.bytes));
    }
    // Nothing to drain: the next round after idleMs.
    return 0;
  }
}
