import { Injectable, Logger } from '@nestjs/common';

import { decodeRawWebhook, RecordBatch } from '@wahooks/consumer-runtime';
import { RawHeaders } from '@wahooks/events-contract';
import { EventStore, NewEvent } from '@wahooks/event-store';
import { MetricsService } from '@wahooks/observability';
import { OutboxRelay, OutboxRepository } from '@wahooks/outbox';
import { SqlTransactions } from '@wahooks/prisma';

import { errorsEvent, InboundEventTypes, receivedEvent, unknownEvent } from './inbound-events.mapper';
import { InboundProjector } from './inbound-projector';
import { MediaFetcher } from './media-fetcher.service';

export interface IngestResult {
  appended: number;
  duplicates: number;
}

/**
 * Raw webhooks in; messages, contacts, conversations, media jobs and
 * publications out, in one transaction per batch: append (Meta's retries are
 * duplicates by key), project only the new events, write outbox rows, commit.
 * Media downloads happen later, off this path (MediaFetcher).
 */
@Injectable()
export class InboundIngestService {
  private readonly logger = new Logger(InboundIngestService.name);
  private readonly received;
  private readonly unknown;
  private readonly errors;

  constructor(
    private readonly sql: SqlTransactions,
    private readonly store: EventStore,
    private readonly projector: InboundProjector,
    private readonly outbox: OutboxRepository,
    private readonly relay: OutboxRelay,
    private readonly fetcher: MediaFetcher,
    metrics: MetricsService,
  ) {
    this.received = metrics.counter('wahooks_inbound_messages_total', 'Inbound messages recorded (duplicates excluded), by normalized type', ['tenant', 'type']);
    this.unknown = metrics.counter('wahooks_inbound_unknown_total', 'Unreadable parts of messages changes, kept with their raw JSON', ['tenant', 'reason']);
    this.errors = metrics.counter('wahooks_inbound_errors_total', 'value.errors of messages changes, by code', ['tenant', 'code']);
  }

  /** A batch of `whatsapp.webhooks.raw.v1`: inbound messages, errors and unknown shapes of `messages` changes. */
  ingestRawBatch(batch: RecordBatch): Promise<IngestResult> {
    const events: NewEvent[] = [];
    for (const record of batch.records) {
      const { tenantId, events: metaEvents } = decodeRawWebhook(record);
      const receivedAt = Date.parse(record.headers[RawHeaders.receivedAt] ?? '');
      const metadata = {
        source: { topic: batch.topic, partition: batch.partition, offset: record.offset },
        deliveryId: record.headers[RawHeaders.deliveryId],
        correlationId: record.headers[RawHeaders.traceparent],
      };
      for (const e of metaEvents) {
        if (e.kind === 'message.inbound') events.push(receivedEvent(tenantId, e, metadata, Number.isNaN(receivedAt) ? null : receivedAt));
        else if (e.kind === 'message.errors' && e.field === 'messages') events.push(errorsEvent(tenantId, e, metadata));
        else if (e.kind === 'unknown' && e.field === 'messages') events.push(unknownEvent(tenantId, e, metadata));
      }
    }
    return this.appendAndApply(events);
  }

  async appendAndApply(events: NewEvent[]): Promise<IngestResult> {
    if (events.length === 0) return { appended: 0, duplicates: 0 };
    const { appended, duplicates, projection } = await this.sql.run(async (tx) => {
      const result = await this.store.appendBatch(tx, events);
      const projection = await this.projector.apply(tx, result.appended, { publish: true });
      await this.outbox.add(tx, projection.outbox);
      return { appended: result.appended, duplicates: result.duplicates.length, projection };
    });
    if (projection.outbox.length > 0) this.relay.kick();
    if (projection.mediaJobs > 0) this.fetcher.kick();
    for (const m of projection.messages) {
      this.received.inc({ tenant: m.tenantId, type: m.type });
      this.logger.debug({ tenant: m.tenantId, wamid: m.wamid, type: m.type, conversationId: m.conversationId }, 'inbound message recorded');
    }
    for (const e of appended) {
      const data = e.data as { reason?: string; errors?: Array<{ code?: number }> };
      if (e.type === InboundEventTypes.unknown) {
        this.unknown.inc({ tenant: e.tenantId, reason: data.reason ?? 'unknown' });
        this.logger.warn({ tenant: e.tenantId, reason: data.reason, position: e.globalPosition.toString() }, 'unreadable messages content kept as an event');
      } else if (e.type === InboundEventTypes.errors) {
        for (const err of data.errors ?? []) this.errors.inc({ tenant: e.tenantId, code: String(err.code ?? 'none') });
        this.logger.warn({ tenant: e.tenantId, codes: (data.errors ?? []).map((x) => x.code) }, 'Meta reported errors on the messages field');
      }
    }
    return { appended: appended.length, duplicates };
  }
}
