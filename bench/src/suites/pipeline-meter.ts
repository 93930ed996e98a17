import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

import type { Client } from 'pg';

import { machineSeconds, processSeconds } from '../cpu';
import { postgresSeconds } from './consumer-throughput';

/** Linux USER_HZ, as in cpu.ts. */
const TICKS_PER_SECOND = 100;

/** CPU seconds spent during a window, per process and in total. */
export interface PipelineCpu {
  /** Wall-clock seconds of the window. */
  wallSeconds: number;
  /** Per app (intake, status-projector…): its own process, every thread. */
  apps: Record<string, number>;
  /** The Kafka JVM (scripts/kafka.sh's pid file); undefined when not on this machine. */
  broker?: number;
  /** Every postgres process of the server, including backends that exited (the postmaster's children times). */
  postgres?: number;
  /** Of those, the backends connected to the bench's database, sampled from pg_stat_activity. */
  postgresDatabase?: number;
  /** The bench process: the sender, the fake SMS provider and Graph API, the completeness probe. */
  bench: number;
  /** Every process of the machine. */
  machine?: number;
}

/** utime + stime and start time (both in clock ticks) of one process, from /proc/<pid>/stat. */
function statOf(pid: number): { ticks: number; startTicks: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { ticks: Number(f[11]) + Number(f[12]), startTicks: Number(f[19]) };
  } catch {
    return undefined;
  }
}

/** Clock ticks since boot now (the unit of a process's start time in /proc/<pid>/stat). */
function uptimeTicks(): number | undefined {
  try {
    return Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]) * TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

/** Peak and current resident set size of a process in MiB (VmHWM, VmRSS of /proc/<pid>/status). */
export function memoryOf(pid: number | undefined): { peakMiB: number; rssMiB: number } | undefined {
  if (!pid) return undefined;
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (name: string): number => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
    const peak = kb('VmHWM');
    const rss = kb('VmRSS');
    return Number.isFinite(peak) ? { peakMiB: peak / 1024, rssMiB: rss / 1024 } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * CPU of the whole pipeline over a window: each app's process and the
 * broker's from /proc/<pid>/stat (utime + stime), Postgres as every postgres
 * process (as the consumer suites count it) and, for a shared server, the
 * backends of the bench's own database: their pids are read from
 * pg_stat_activity every `sampleMs` and each one's CPU counted from the
 * start of the window (or from its birth, when it connected during the
 * window) to the last time it was seen.
 */
export class PipelineMeter {
  private startedAt = 0;
  private startUptime: number | undefined;
  private apps0: Record<string, number | undefined> = {};
  private broker0: number | undefined;
  private postgres0: number | undefined;
  private machine0: { busy: number } | undefined;
  private bench0: NodeJS.CpuUsage = process.cpuUsage();
  private readonly backends = new Map<number, { first: number; last: number }>();
  private timer: NodeJS.Timeout | undefined;
  private sampling: Promise<void> = Promise.resolve();

  constructor(
    private readonly appPids: Record<string, number | undefined>,
    private readonly brokerPid: number | undefined,
    private readonly db: Client,
    private readonly sampleMs = 500,
  ) {}

  /** Starts the window (synchronously: the /proc readings are taken now) and the sampling of the database's backends. */
  start(): void {
    this.startedAt = performance.now();
    this.startUptime = uptimeTicks();
    this.apps0 = Object.fromEntries(Object.entries(this.appPids).map(([name, pid]) => [name, processSeconds(pid)]));
    this.broker0 = processSeconds(this.brokerPid);
    this.postgres0 = postgresSeconds();
    this.machine0 = machineSeconds();
    this.bench0 = process.cpuUsage();
    this.sample();
    this.timer = setInterval(() => this.sample(), this.sampleMs);
  }

  /** The CPU spent since start(), measured now; the window goes on. */
  async read(): Promise<PipelineCpu> {
    const wallSeconds = (performance.now() - this.startedAt) / 1000;
    const apps = Object.fromEntries(Object.entries(this.appPids).map(([name, pid]) => [name, delta(this.apps0[name], processSeconds(pid))]));
    const broker = delta(this.broker0, processSeconds(this.brokerPid));
    const postgres = delta(this.postgres0, postgresSeconds());
    const machineNow = machineSeconds();
    const bench = process.cpuUsage(this.bench0);
    this.sample();
    await this.sampling;
    let database = 0;
    for (const b of this.backends.values()) database += b.last - b.first;
    const out: PipelineCpu = { wallSeconds, apps: Object.fromEntries(Object.entries(apps).map(([k, v]) => [k, v ?? 0])), bench: (bench.user + bench.system) / 1e6 };
    if (broker !== undefined) out.broker = broker;
    if (postgres !== undefined) out.postgres = postgres;
    if (this.backends.size > 0) out.postgresDatabase = database / TICKS_PER_SECOND;
    if (this.machine0 && machineNow) out.machine = machineNow.busy - this.machine0.busy;
    return out;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One look at the database's backends (chained, so readings never overlap). */
  private sample(): void {
    this.sampling = this.sampling.then(async () => {
      try {
        const { rows } = await this.db.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()');
        for (const { pid } of rows) {
          const s = statOf(pid);
          if (!s) continue;
          const known = this.backends.get(pid);
          if (known) known.last = s.ticks;
          // Born during the window: all of its CPU is the window's; else from now on.
          else this.backends.set(pid, { first: this.startUptime !== undefined && s.startTicks >= this.startUptime ? 0 : s.ticks, last: s.ticks });
        }
      } catch {
        // the database is not on this machine, or the query failed once: the column stays partial
      }
    });
  }
}

const delta = (before: number | undefined, after: number | undefined): number | undefined => (before === undefined || after === undefined ? undefined : after - before);
