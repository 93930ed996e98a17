import { Injectable, Logger } from '@nestjs/common';

import { BatchingProducer, OutgoingRecord, permanentProduceError } from '@wahooks/kafka';
import { MetricsService } from '@wahooks/observability';
import { BackgroundTask } from '@wahooks/worker';

import { OutboxRepository, PendingOutboxRow, RelayOutcome } from './outbox.repository';
import { OUTBOX_IDEMPOTENCY_HEADER } from './outbox.types';

/**
 * Larger payloads are parked without a try: the broker's default
 * max.message.bytes is 1 MiB per record batch, and the topics the services
 * publish keep it. Producers that may exceed it bound their payloads first
 * (an inbound message view carries a reference to the stored message instead).
 */
export const MAX_OUTBOX_PAYLOAD_BYTES = 900 * 1024;

/** Thrown after a round in which some rows could not be published for a reason that may pass: the worker backs off. */
export class OutboxPublishError extends Error {
  override readonly name = 'OutboxPublishError';
}

/**
 * Publishes outbox rows to Kafka, oldest first, on the polling worker. Each
 * row is deleted once the broker acknowledged it; a row the broker refuses
 * for good (too large, unknown topic, not authorized: a retry cannot help)
 * is parked with its reason in `outbox_parked`, counted, and the rows
 * behind it flow; a row that failed for a passing reason (broker away) stays
 * and the worker backs off. A crash between publish and delete republishes:
 * consumers deduplicate on the idempotency-key header.
 */
@Injectable()
export class OutboxRelay extends BackgroundTask {
  readonly name = 'outbox-relay';
  readonly idleMs = 100;
  private readonly logger = new Logger(OutboxRelay.name);
  private producer: BatchingProducer | undefined;
  private readonly published;
  private readonly parked;

  constructor(
    private readonly outbox: OutboxRepository,
    private readonly metrics: MetricsService,
  ) {
    super();
    this.published = metrics.counter('wahooks_outbox_published_total', 'Outbox messages published', ['topic']);
    this.parked = metrics.counter('wahooks_outbox_parked_total', 'Outbox messages the broker refused for good, set aside in outbox_parked', ['topic', 'reason']);
  }

  /** Starts relaying with `producer` (the service's outbox producer). */
  startWith(producer: BatchingProducer): void {
    this.producer = producer;
    this.start(this.metrics);
  }

  protected override enabled(): boolean {
    return this.producer !== undefined;
  }

  /** Publishes until the outbox is empty (tests and tools; the worker does the same round by round). */
  async drain(): Promise<void> {
    while ((await this.round()) > 0);
  }

  async round(): Promise<number> {
    const producer = this.producer;
    if (!producer) return 0;
    let failed = 0;
    let lastError: unknown;
    const topics = new Map<bigint, string>();
    const outcome = await this.outbox.relay(500, async (rows) => {
      for (const r of rows) topics.set(r.id, r.topic);
      const result: RelayOutcome = { published: [], parked: [] };
      const sendable: PendingOutboxRow[] = [];
      for (const r of rows) {
        if (r.bytes > MAX_OUTBOX_PAYLOAD_BYTES) result.parked.push({ id: r.id, reason: `too large: ${r.bytes} bytes (limit ${MAX_OUTBOX_PAYLOAD_BYTES})` });
        else sendable.push(r);
      }
      const settled = await Promise.allSettled(sendable.map((r) => producer.publish(recordOf(r))));
      const refused: PendingOutboxRow[] = [];
      settled.forEach((s, i) => {
        const row = sendable[i]!;
        if (s.status === 'fulfilled') result.published.push(row.id);
        else if (permanentProduceError(s.reason)) refused.push(row);
        else {
          failed += 1;
          lastError = s.reason;
        }
      });
      // A refusal may be a neighbour's fault (one record too large fails its whole produce
      // request): each refused row is tried alone before it is parked.
      for (const row of refused) {
        try {
          await producer.publish(recordOf(row));
          result.published.push(row.id);
        } catch (error) {
          const permanent = permanentProduceError(error);
          if (permanent) result.parked.push({ id: row.id, reason: `${permanent}: ${error instanceof Error ? error.message.slice(0, 300) : String(error)}` });
          else {
            failed += 1;
            lastError = error;
          }
        }
      }
      return result;
    });
    this.count(outcome, (id) => topics.get(id) ?? 'unknown');
    if (failed > 0) throw new OutboxPublishError(`${failed} outbox rows not published; they stay for the next round`, { cause: lastError });
    return outcome.published.length + outcome.parked.length;
  }

  private count(outcome: RelayOutcome, topicOf: (id: bigint) => string): void {
    for (const id of outcome.published) this.published.inc({ topic: topicOf(id) });
    for (const p of outcome.parked) {
      this.parked.inc({ topic: topicOf(p.id), reason: p.reason.split(':')[0] ?? 'unknown' });
      this.logger.error({ outboxId: p.id.toString(), topic: topicOf(p.id), reason: p.reason }, 'outbox row parked: the broker refuses it for good');
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.stop();
  }
}

function recordOf(r: PendingOutboxRow): OutgoingRecord {
  return {
    topic: r.topic,
    key: r.key,
    value: Buffer.from(JSON.stringify(r.payload)),
    headers: { ...r.headers, [OUTBOX_IDEMPOTENCY_HEADER]: r.idempotencyKey, 'wahooks-tenant-id': r.tenantId },
  };
}
