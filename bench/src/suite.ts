import type { CpuUsage } from './cpu';
import type { LoadResult } from './load/stats';
import type { BenchOptions } from './options';

/** Everything a suite needs from the harness. */
export interface BenchContext {
  options: BenchOptions;
  /** Environment for child processes (DATABASE_URL, KAFKA_BROKERS, secrets…). */
  env: NodeJS.ProcessEnv;
  log(line: string): void;
}

/** One row of a suite's table: a target under one load. */
export interface RunRow {
  target: string;
  load: string;
  result: LoadResult;
  /** Average cores used during the run. */
  cpu?: CpuUsage;
  /** Mean records per Kafka produce request during the run, when the target reports it. */
  recordsPerProduce?: number;
  /** Mean produce request latency (ms), from the target's own histogram, when it has one. */
  produceMs?: number;
}

/** A figure from the issue, measured against its target in the same run. */
export interface Figure {
  name: string;
  target: string;
  measured: string;
  pass: boolean;
  /**
   * A comparison reported for context, not judged: shown as "reference"
   * instead of PASS/MISS and ignored by --strict. The target cell says why.
   */
  reference?: boolean;
}

export interface SuiteReport {
  figures: Figure[];
  runs: RunRow[];
  /** Markdown paragraphs: method, fairness notes, caveats. */
  notes: string[];
  /** Extra files written (e.g. CPU profiles), relative to the repository. */
  artifacts: string[];
  /**
   * Runs that failed (a wrong end state, a crash): the suite goes on with its
   * other runs and reports them, and the bench exits 1 once the report is written.
   */
  failures?: string[];
}

/**
 * A benchmark suite owns one section of BENCHMARKS.md (between markers
 * named by its id) and rewrites only that section, so suites for other
 * services (status projector, inbound…) are added to main.ts's list
 * without touching this one.
 */
export interface Suite {
  id: string;
  title: string;
  run(ctx: BenchContext): Promise<SuiteReport>;
}
