import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';

import { BatchingProducer } from '@wahooks/kafka';
import { MetricsService } from '@wahooks/observability';

import { OutboxRepository } from './outbox.repository';
import { OUTBOX_IDEMPOTENCY_HEADER } from './outbox.types';

/**
 * Publishes outbox rows to Kafka, oldest first, and deletes them once the
 * broker acknowledged. A crash between the two republishes: consumers
 * deduplicate on the idempotency-key header.
 */
@Injectable()
export class OutboxRelay implements OnApplicationShutdown {
  private readonly logger = new Logger(OutboxRelay.name);
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private producer: BatchingProducer | undefined;
  private stopped = false;
  private readonly published;

  constructor(
    private readonly outbox: OutboxRepository,
    metrics: MetricsService,
  ) {
    this.published = metrics.counter('wahooks_outbox_published_total', 'Outbox messages published', ['topic']);
  }

  /** Starts polling every `intervalMs`; `kick()` runs a round at once. */
  start(producer: BatchingProducer, intervalMs = 100): void {
    this.producer = producer;
    this.timer = setInterval(() => this.kick(), intervalMs);
  }

  kick(): void {
    if (this.stopped || this.running || !this.producer) return;
    this.running = this.drain()
      .catch((error: unknown) => this.logger.warn({ err: error }, 'outbox relay round failed; will retry'))
      .finally(() => (this.running = undefined));
  }

  /** Publishes until the outbox is empty. */
  async drain(): Promise<void> {
    const producer = this.producer;
    if (!producer) return;
    for (;;) {
      const n = await this.outbox.relay(500, async (rows) => {
        await Promise.all(
          rows.map((r) =>
            producer.publish({
              topic: r.topic,
              key: r.key,
              value: Buffer.from(JSON.stringify(r.payload)),
              headers: { ...r.headers, [OUTBOX_IDEMPOTENCY_HEADER]: r.idempotencyKey, 'wahooks-tenant-id': r.tenantId },
            }),
          ),
        );
        for (const r of rows) this.published.inc({ topic: r.topic });
      });
      if (n === 0) return;
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.running;
  }
}
