/**
 * `db-admin vacuum`: VACUUM (ANALYZE) of the tables whose rows the pipeline
 * updates or deletes (the outbox, the work queues, stream versions,
 * projections: every table some app role may UPDATE or DELETE in the grant
 * table), when their dead tuples pass a threshold. Autovacuum does this when
 * it is on; where it is off (as on the development machine) or falls behind,
 * this keeps those tables at their live size (docs/database.md, "Vacuum and
 * bloat"). Runs as the owner: VACUUM needs the table's owner on Postgres 15.
 * Plain VACUUM takes no lock that blocks reads or writes; SKIP_LOCKED passes
 * over a table another VACUUM or DDL holds.
 */
import type { Client } from 'pg';

import { TABLE_GRANTS, TableEntry } from './grants';

export interface TableStats {
  table: string;
  live: number;
  dead: number;
}

export interface VacuumPolicy {
  /** Below this many dead tuples a table is left alone. */
  minDead: number;
  /** ... and below this share of its live tuples. */
  deadRatio: number;
}

/** 1,000 dead tuples and 20% of the live ones: autovacuum's default scale factor, with a floor for small queues. */
export const DEFAULT_VACUUM_POLICY: VacuumPolicy = { minDead: 1000, deadRatio: 0.2 };

/** Tables whose rows some app role updates or deletes: the ones that leave dead tuples behind. */
export function churnTables(grants: Record<string, TableEntry> = TABLE_GRANTS): string[] {
  return Object.entries(grants)
    .filter(([, entry]) => Object.values(entry.grants).some((letters) => /[UD]/.test(letters ?? '')))
    .map(([table]) => table)
    .sort();
}

export function dueForVacuum(stats: TableStats, policy: VacuumPolicy = DEFAULT_VACUUM_POLICY): boolean {
  return stats.dead >= policy.minDead && stats.dead >= policy.deadRatio * stats.live;
}

export interface VacuumResult extends TableStats {
  vacuumed: boolean;
  ms: number;
}

/** Reads the tables' tuple counts and vacuums those due (all of them with `force`). */
export async function vacuumChurn(client: Client, options: { policy?: VacuumPolicy; force?: boolean; tables?: string[] } = {}): Promise<VacuumResult[]> {
  const tables = options.tables ?? churnTables();
  const { rows } = await client.query<{ table: string; live: string; dead: string }>(
    `SELECT relname AS table, n_live_tup AS live, n_dead_tup AS dead FROM pg_stat_user_tables
     WHERE schemaname = current_schema() AND relname = ANY($1) ORDER BY relname`,
    [tables],
  );
  const results: VacuumResult[] = [];
  for (const row of rows) {
    const stats = { table: row.table, live: Number(row.live), dead: Number(row.dead) };
    if (!options.force && !dueForVacuum(stats, options.policy)) {
      results.push({ ...stats, vacuumed: false, ms: 0 });
      continue;
    }
    const t0 = Date.now();
    await client.query(`VACUUM (ANALYZE, SKIP_LOCKED) "${stats.table.replace(/"/g, '""')}"`);
    results.push({ ...stats, vacuumed: true, ms: Date.now() - t0 });
  }
  return results;
}
