import { Injectable, Logger } from '@nestjs/common';

import { decodeRawWebhook, RecordBatch } from '@wahooks/consumer-runtime';
import { RawHeaders } from '@wahooks/events-contract';
import { EventStore, NewEvent } from '@wahooks/event-store';
import { OutboxRelay, OutboxRepository } from '@wahooks/outbox';
import { PrismaService } from '@wahooks/prisma';

import { AlertDispatcher } from './alert-dispatcher.service';
import { AlertRepository } from './alert.repository';
import { toNewEvent } from './monitor-events.mapper';
import { MonitorProjector } from './monitor-projector';

const TX_OPTIONS = { maxWait: 10_000, timeout: 60_000 };

export interface IngestResult {
  appended: number;
  duplicates: number;
  alerts: number;
}

/**
 * Turns management webhooks into facts and applies them in one transaction
 * per batch: append (Meta's repeats skipped by idempotency key), project only
 * the new facts, record alerts and their deliveries, write outbox rows,
 * commit. The consumer runtime commits the Kafka offsets afterwards.
 */
@Injectable()
export class MonitorIngestService {
  private readonly logger = new Logger(MonitorIngestService.name);

  constructor(
    private readonly prisma: PrismaService,
    private readonly store: EventStore,
    private readonly projector: MonitorProjector,
    private readonly outbox: OutboxRepository,
    private readonly alerts: AlertRepository,
    private readonly relay: OutboxRelay,
    private readonly dispatcher: AlertDispatcher,
  ) {}

  /** A batch of `whatsapp.webhooks.raw.v1`: only management fields concern this service. */
  ingestRawBatch(batch: RecordBatch): Promise<IngestResult> {
    const events: NewEvent[] = [];
    for (const record of batch.records) {
      const { tenantId, events: metaEvents } = decodeRawWebhook(record);
      for (const e of metaEvents) {
        const event = toNewEvent(tenantId, e, {
          source: { topic: batch.topic, partition: batch.partition, offset: record.offset },
          deliveryId: record.headers[RawHeaders.deliveryId],
          correlationId: record.headers[RawHeaders.traceparent],
          receivedAt: record.headers[RawHeaders.receivedAt],
          wabaId: e.wabaId,
        });
        if (event) events.push(event);
      }
    }
    return this.appendAndApply(events);
  }

  appendAndApply(events: NewEvent[]): Promise<IngestResult> {
    if (events.length === 0) return Promise.resolve({ appended: 0, duplicates: 0, alerts: 0 });
    return this.prisma
      .$transaction(async (tx) => {
        const result = await this.store.appendBatch(tx, events);
        const projected = await this.projector.apply(tx, result.appended, { publish: true });
        await this.alerts.record(tx, projected.alerts);
        await this.outbox.add(tx, projected.outbox);
        return { appended: result.appended.length, duplicates: result.duplicates.length, alerts: projected.alerts, published: projected.outbox.length };
      }, TX_OPTIONS)
      .then(({ published, alerts, ...result }) => {
        if (published > 0) this.relay.kick();
        if (alerts.length > 0) this.dispatcher.kick();
        for (const a of alerts) this.logger.log({ tenant: a.tenantId, kind: a.kind, alertKey: a.alertKey, occurredAt: a.occurredAt }, 'alert raised');
        return { ...result, alerts: alerts.length };
      });
  }
}
