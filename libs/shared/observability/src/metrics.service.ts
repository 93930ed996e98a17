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

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'wahooks_' });
  }

  counter<L extends string>(name: string, help: string, labelNames: readonly L[]): Counter<L> {
    return this.memo(name, () => new Counter({ name, help, labelNames, registers: [this.registry] })) as Counter<L>;
  }

  gauge<L extends string>(name: string, help: string, labelNames: readonly L[]): Gauge<L> {
    return this.memo(name, () => new Gauge({ name, help, labelNames, registers: [this.registry] })) as Gauge<L>;
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
