import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';

import { repoRoot } from './paths';

/** Average cores busy during a run, per process and for the whole machine (Linux /proc; absent elsewhere). */
export interface CpuUsage {
  target?: number;
  broker?: number;
  loadGenerator: number;
  /** All processes of the machine, 0..cores. */
  machine?: number;
}

/** Linux reports process times in clock ticks of USER_HZ, 100 on every mainstream kernel. */
const TICKS_PER_SECOND = 100;

/** utime + stime of one process in seconds (undefined when it is gone or /proc is not there). */
export function processSeconds(pid: number | undefined): number | undefined {
  if (!pid) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may contain spaces) start at ") ".
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND; // utime, stime
  } catch {
    return undefined;
  }
}

/** Busy seconds of every core of the machine since boot. */
export function machineSeconds(): { busy: number } | undefined {
  try {
    const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    const idle = (cpu[3] ?? 0) + (cpu[4] ?? 0); // idle + iowait
    const total = cpu.slice(0, 8).reduce((a, b) => a + b, 0);
    return { busy: (total - idle) / TICKS_PER_SECOND };
  } catch {
    return undefined;
  }
}

/** The broker's pid from scripts/kafka.sh's pid file (KAFKA_DATA_DIR, default .data/kafka). */
export function brokerPid(env: NodeJS.ProcessEnv): number | undefined {
  const dir = env['KAFKA_DATA_DIR'] ?? '.data/kafka';
  const file = join(isAbsolute(dir) ? dir : join(repoRoot(), dir), 'kafka.pid');
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, 'utf8').trim());
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

/** Starts measuring; the returned function stops and reports average cores used since. */
export function startCpuMeter(targetPid: number | undefined, brokerPidValue: number | undefined): () => CpuUsage {
  const started = process.hrtime.bigint();
  const self = process.cpuUsage();
  const target = processSeconds(targetPid);
  const broker = processSeconds(brokerPidValue);
  const machine = machineSeconds();
  return () => {
    const wall = Number(process.hrtime.bigint() - started) / 1e9;
    const used = process.cpuUsage(self);
    const usage: CpuUsage = { loadGenerator: (used.user + used.system) / 1e6 / wall };
    const targetNow = processSeconds(targetPid);
    if (target !== undefined && targetNow !== undefined) usage.target = (targetNow - target) / wall;
    const brokerNow = processSeconds(brokerPidValue);
    if (broker !== undefined && brokerNow !== undefined) usage.broker = (brokerNow - broker) / wall;
    const machineNow = machineSeconds();
    if (machine && machineNow) usage.machine = (machineNow.busy - machine.busy) / wall;
    return usage;
  };
}
