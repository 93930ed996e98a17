import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';

import { DatabaseConfig, databaseSection } from '@wahooks/config';

import { DatabasePool } from './sql-transactions';

/** The server settings wahooks reads at start-up (pg_settings names). */
export const CHECKED_SETTINGS = [
  'autovacuum',
  'track_counts',
  'shared_buffers',
  'max_connections',
  'superuser_reserved_connections',
  'synchronous_commit',
  'fsync',
  'full_page_writes',
  'default_transaction_isolation',
] as const;

export type CheckedSetting = (typeof CHECKED_SETTINGS)[number];

/** One row of pg_settings: the value in its unit (shared_buffers is counted in 8 kB pages). */
export interface SettingRow {
  name: string;
  setting: string;
  unit: string | null;
}

export interface SettingWarning {
  setting: CheckedSetting | 'connections';
  value: string;
  /** What goes wrong, and what to do; docs/database.md "Settings wahooks needs" has the reasons. */
  message: string;
}

export interface SettingsContext {
  /** This process's pool size (DATABASE_POOL_SIZE). */
  poolSize: number;
  /** Connections open on the server right now (pg_stat_activity, every database). */
  connectionsInUse: number;
}

const MiB = 1024 * 1024;
/** Below this, the recent part of `events`' indexes and the projections' rows no longer stay in memory. */
export const SHARED_BUFFERS_FLOOR = 256 * MiB;

/**
 * What in a server's settings will hurt wahooks, as warnings; pure. None of
 * these stops a process: a database we can write to is still better than
 * none, and the operator decides. The ones that can lose acknowledged work
 * (synchronous_commit, fsync, full_page_writes off) say so.
 */
export function assessDatabaseSettings(rows: readonly SettingRow[], ctx: SettingsContext): SettingWarning[] {
  const byName = new Map(rows.map((r) => [r.name, r]));
  const value = (name: CheckedSetting) => byName.get(name)?.setting;
  const out: SettingWarning[] = [];
  const warn = (setting: SettingWarning['setting'], v: string, message: string) => out.push({ setting, value: v, message });

  if (value('autovacuum') === 'off') {
    warn('autovacuum', 'off', 'autovacuum is off: the outbox, the queues and the rows updated on every event keep their dead tuples until someone runs VACUUM; run `db-admin vacuum` on a schedule (the k8s CronJob) or turn autovacuum on');
  }
  if (value('track_counts') === 'off') {
    warn('track_counts', 'off', 'track_counts is off: autovacuum cannot see which tables need it, and wahooks_table_dead_tuples reads 0');
  }
  const sync = value('synchronous_commit');
  if (sync === 'off') {
    warn('synchronous_commit', sync, 'synchronous_commit is off: a Postgres crash can lose transactions whose Kafka offsets were already committed, so those events are lost for good; set it to on (or remote_write/remote_apply on a replicated primary)');
  }
  for (const name of ['fsync', 'full_page_writes'] as const) {
    if (value(name) === 'off') warn(name, 'off', `${name} is off: a crash of the database host can corrupt or lose committed events; never run wahooks' store like this outside a throwaway test`);
  }
  const isolation = value('default_transaction_isolation');
  if (isolation !== undefined && isolation !== 'read committed') {
    warn('default_transaction_isolation', isolation, `default_transaction_isolation is ${isolation}: wahooks is written for read committed (its appends rely on the unique constraints, not on serialization); under a stricter default, batches fail with serialization errors and are retried`);
  }
  const buffers = byName.get('shared_buffers');
  if (buffers) {
    const bytes = settingBytes(buffers);
    if (bytes !== null && bytes < SHARED_BUFFERS_FLOOR) {
      warn('shared_buffers', `${Math.round(bytes / MiB)}MB`, `shared_buffers is ${Math.round(bytes / MiB)} MB: under 256 MB the hot indexes of events and the projections are read from the OS cache and CPU per event grows with the store; give it about a quarter of the database host's memory`);
    }
  }
  const max = Number(value('max_connections'));
  const reserved = Number(value('superuser_reserved_connections') ?? 0);
  if (Number.isFinite(max) && max > 0) {
    const free = max - reserved - ctx.connectionsInUse;
    if (free < ctx.poolSize) {
      warn('connections', `${ctx.connectionsInUse} of ${max}`, `only ${Math.max(0, free)} connections are left on the server (max_connections ${max}, ${reserved} reserved, ${ctx.connectionsInUse} open) for this process's pool of ${ctx.poolSize}: size max_connections for every replica's DATABASE_POOL_SIZE together, or put a pooler in front`);
    }
  }
  return out;
}

/** A memory setting in bytes; null when its unit is not one of Postgres' memory units. */
export function settingBytes(row: SettingRow): number | null {
  const n = Number(row.setting);
  if (!Number.isFinite(n)) return null;
  const unit = row.unit ?? '';
  const m = /^(\d*)(B|kB|MB|GB|TB)$/.exec(unit);
  if (!m) return null;
  const factor = { B: 1, kB: 1024, MB: MiB, GB: 1024 * MiB, TB: 1024 * 1024 * MiB }[m[2] as 'B' | 'kB' | 'MB' | 'GB' | 'TB'];
  return n * (m[1] ? Number(m[1]) : 1) * factor;
}

/**
 * Reads the server's settings once the app is up and logs a warning per
 * setting that will hurt (see assessDatabaseSettings). In the background: a
 * database that is down at start-up is the readiness probe's business, not
 * this check's.
 */
@Injectable()
export class DatabaseSettingsCheck implements OnApplicationBootstrap {
  private readonly logger = new Logger('DatabaseSettings');

  constructor(
    private readonly database: DatabasePool,
    @Inject(databaseSection.token) private readonly config: DatabaseConfig,
  ) {}

  onApplicationBootstrap(): void {
    void this.check().catch((error: unknown) => this.logger.debug({ err: error instanceof Error ? error.message : String(error) }, 'database settings not checked'));
  }

  async check(): Promise<SettingWarning[]> {
    const rows = (await this.database.pool.query<SettingRow>('SELECT name, setting, unit FROM pg_settings WHERE name = ANY($1)', [CHECKED_SETTINGS])).rows;
    const [{ n }] = (await this.database.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_stat_activity')).rows as [{ n: number }];
    const warnings = assessDatabaseSettings(rows, { poolSize: this.config.poolSize, connectionsInUse: n });
    for (const w of warnings) this.logger.warn({ setting: w.setting, value: w.value }, w.message);
    return warnings;
  }
}
