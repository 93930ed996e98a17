import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * One Prometheus registry per process. Metrics are created on first use and
 * memoised by name, so features declare what they measure where they measure it.
 * Every business metric carries a `tenant` label.
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();
  private readonly metrics = new Map<string, Counter | Gauge | Histogram>();
  private readonly buffered = new Map<string, BufferedCounter<string>>();

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'wahooks_' });
  }

  counter<L extends string>(name: string, help: string, labelNames: readonly L[]): Counter<L> {
    return this.memo(name, () => new Counter({ name, help, labelNames, registers: [this.registry] })) as Counter<L>;
  }

  /**
   * A counter for per-request hot paths: `inc` only bumps a number in a Map;
   * the counts are folded into the Prometheus counter when it is scraped.
   * prom-client's own `inc` builds a label key (sorting the label names) on
   * every call.
   */
  bufferedCounter<L extends string>(name: string, help: string, labelNames: readonly L[]): BufferedCounter<L> {
    let buffered = this.buffered.get(name) as BufferedCounter<L> | undefined;
    if (!buffered) {
      const created = new BufferedCounter<L>(labelNames);
      this.memo(name, () => new Counter({ name, help, labelNames, registers: [this.registry], collect: created.collector() }));
      this.buffered.set(name, created);
      buffered = created;
    }
    return buffered;
  }

  /** `collect`, when given, runs before each scrape (on the gauge, as `this`) to set values that are read, not counted. */
  gauge<L extends string>(name: string, help: string, labelNames: readonly L[], collect?: (this: Gauge<L>) => void): Gauge<L> {
    return this.memo(name, () => new Gauge({ name, help, labelNames, registers: [this.registry], ...(collect ? { collect } : {}) })) as Gauge<L>;
  }

  histogram<L extends string>(
    name: string,
    help: string,
    labelNames: readonly L[],
    buckets: number[] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  ): Histogram<L> {
    return this.memo(
      name,
      () => new Histogram({ name, help, labelNames, buckets, registers: [this.registry] }),
    ) as Histogram<L>;
  }

  private memo(name: string, make: () => Counter | Gauge | Histogram): Counter | Gauge | Histogram {
    let metric = this.metrics.get(name);
    if (!metric) {
      metric = make();
      this.metrics.set(name, metric);
    }
    return metric;
  }
}

/** See {@link MetricsService.bufferedCounter}. Label values are given in `labelNames` order. */
export class BufferedCounter<L extends string> {
  private readonly pending = new Map<string, { values: string[]; n: number }>();

  constructor(private readonly labelNames: readonly L[]) {}

  inc(...values: string[]): void {
    const key = values.length === 1 ? values[0]! : values.join('\u0000');
    const entry = this.pending.get(key);
    if (entry) entry.n += 1;
    else this.pending.set(key, { values, n: 1 });
  }

  /** prom-client's `collect` hook: runs on the counter (as `this`) before each scrape. */
  collector(): (this: Counter<L>) => void {
    const pending = this.pending;
    const names = this.labelNames;
    return function (this: Counter<L>) {
      for (const { values, n } of pending.values()) {
        const labels = Object.fromEntries(names.map((name, i) => [name, values[i] ?? ''])) as Partial<Record<L, string>>;
        this.inc(labels, n);
      }
      pending.clear();
    };
  }
}
