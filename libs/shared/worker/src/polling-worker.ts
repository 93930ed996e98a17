import { Logger } from '@nestjs/common';

import { backoffMs } from '@wahooks/consumer-runtime';
import type { MetricsService } from '@wahooks/observability';

/** One kind of background work: what a round does, and how often to look when idle. */
export interface PollingTask {
  /** Label of its metrics and logs (`outbox-relay`, `sms-dispatch`…). */
  readonly name: string;
  /** How long to wait between rounds when the last one found nothing. */
  readonly idleMs: number;
  /** Scans wait one interval before their first round (default: a round at start, to drain what waits). */
  readonly firstRoundAfterIdle?: boolean;
  /**
   * One round: lease or claim what is due, do it, record it. Returns how
   * many items it handled; more than zero runs the next round at once, so a
   * backlog drains without waiting. External calls (HTTP, Kafka) never run
   * inside an open database transaction: claim in one, act, record in another.
   */
  round(): Promise<number>;
}

export interface PollingWorkerOptions {
  /** Backoff after a failed round: first delay and ceiling. */
  backoffBaseMs?: number;
  backoffCapMs?: number;
}

/**
 * The one loop every background job runs on (outbox relay, SMS and alert
 * dispatch, media downloads, stall and undelivered scans): rounds back to
 * back while there is work, `idleMs` apart when there is none, `kick()` for
 * a round now, capped jittered backoff after a failure (so a database or
 * broker outage is not hammered), and a clean stop that lets the round in
 * flight finish. Metrics per task: rounds by outcome, items, and whether it
 * is backing off.
 */
export class PollingWorker {
  private readonly logger: Logger;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private started = false;
  private stopped = false;
  private failures = 0;
  private again = false;
  private readonly m;

  constructor(
    private readonly task: PollingTask,
    metrics: MetricsService,
    private readonly options: PollingWorkerOptions = {},
  ) {
    this.logger = new Logger(`Worker:${task.name}`);
    this.m = {
      rounds: metrics.counter('wahooks_worker_rounds_total', 'Background worker rounds, by outcome', ['worker', 'outcome']),
      items: metrics.counter('wahooks_worker_items_total', 'Items handled by background workers', ['worker']),
      failing: metrics.gauge('wahooks_worker_consecutive_failures', 'Failed rounds in a row (0: healthy)', ['worker']),
    };
  }

  get isStarted(): boolean {
    return this.started && !this.stopped;
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    this.schedule(this.task.firstRoundAfterIdle ? this.task.idleMs : 0);
  }

  /** A round as soon as the one in flight (if any) ends. */
  kick(): void {
    if (!this.started || this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.schedule(0);
  }

  /** Lets the round in flight finish; what is left waits for the next process or replica. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private schedule(ms: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.run(), ms);
    this.timer.unref?.();
  }

  private run(): void {
    if (this.stopped || this.running) return;
    this.running = this.once().finally(() => {
      this.running = undefined;
      if (this.stopped) return;
      if (this.again) {
        this.again = false;
        this.schedule(0);
      }
    });
  }

  private async once(): Promise<void> {
    const labels = { worker: this.task.name };
    let next: number;
    try {
      const handled = await this.task.round();
      if (this.failures > 0) this.logger.log({ worker: this.task.name, after: this.failures }, 'background work recovered');
      this.failures = 0;
      this.m.rounds.inc({ ...labels, outcome: handled > 0 ? 'worked' : 'idle' });
      if (handled > 0) this.m.items.inc(labels, handled);
      next = handled > 0 ? 0 : this.task.idleMs;
    } catch (error) {
      this.failures += 1;
      this.m.rounds.inc({ ...labels, outcome: 'failed' });
      next = backoffMs(this.failures, this.options.backoffBaseMs ?? 500, this.options.backoffCapMs ?? 30_000);
      // The first failure and then every tenth: an outage does not flood the log.
      if (this.failures === 1 || this.failures % 10 === 0) {
        this.logger.warn({ err: error, worker: this.task.name, failures: this.failures, retryInMs: next }, 'background round failed; backing off');
      }
    }
    this.m.failing.set(labels, this.failures);
    if (!this.stopped) this.schedule(next);
  }
}

/**
 * A background job as a provider: its round, and a worker that runs it once
 * the app is up (BackgroundWork starts it; one-off commands never do).
 * `kick()` asks for a round now, e.g. right after a commit that made work.
 */
export abstract class BackgroundTask implements PollingTask {
  abstract readonly name: string;
  abstract readonly idleMs: number;
  readonly firstRoundAfterIdle: boolean = false;
  abstract round(): Promise<number>;
  private worker: PollingWorker | undefined;

  /** False keeps the task from starting (nothing configured to do it with). */
  protected enabled(): boolean {
    return true;
  }

  start(metrics: MetricsService, options?: PollingWorkerOptions): void {
    if (!this.enabled()) return;
    this.worker ??= new PollingWorker(this, metrics, options);
    this.worker.start();
  }

  kick(): void {
    this.worker?.kick();
  }

  async stop(): Promise<void> {
    await this.worker?.stop();
  }
}
