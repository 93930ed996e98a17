/** Growable list of latencies (ms, fractional) with exact percentiles. */
export class LatencyRecorder {
  private values = new Float64Array(1 << 14);
  private size = 0;

  record(ms: number): void {
    if (this.size === this.values.length) {
      const next = new Float64Array(this.values.length * 2);
      next.set(this.values);
      this.values = next;
    }
    this.values[this.size++] = ms;
  }

  get count(): number {
    return this.size;
  }

  summary(): LatencySummary {
    const sorted = this.values.slice(0, this.size).sort();
    const at = (q: number): number => (sorted.length === 0 ? 0 : (sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? 0));
    let sum = 0;
    for (const v of sorted) sum += v;
    return {
      p50: at(0.5),
      p90: at(0.9),
      p99: at(0.99),
      max: sorted.length ? (sorted[sorted.length - 1] ?? 0) : 0,
      mean: sorted.length ? sum / sorted.length : 0,
    };
  }
}

export interface LatencySummary {
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

/** What one load run measured; every generator reports this shape. */
export interface LoadResult {
  generator: 'autocannon' | 'paced';
  /** max: closed loop, as fast as the target answers; rate: a fixed number of requests per second offered. */
  mode: 'max' | 'rate';
  connections: number;
  durationS: number;
  offeredRate?: number;
  sent: number;
  completed: number;
  ok: number;
  non2xx: number;
  /** Connection errors and timeouts. */
  errors: number;
  /** 2xx answers per second of the run. */
  okPerSec: number;
  /** Latency of 2xx answers. */
  latencyMs: LatencySummary;
  /** Paced runs: how late the generator itself sent requests (its own CPU starvation shows here, not in the target). */
  sendLagMs?: LatencySummary;
  statusCounts: Record<string, number>;
}
