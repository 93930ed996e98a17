import { Injectable } from '@nestjs/common';

import { decodeAcceptedMessage, decodeRawWebhook, RecordBatch } from '@wahooks/consumer-runtime';
import { AcceptedMessageV1, RawHeaders } from '@wahooks/events-contract';
import { EventStore, NewEvent } from '@wahooks/event-store';
import { MessageStatusEvent } from '@wahooks/meta-contract';
import { OutboxRelay, OutboxRepository } from '@wahooks/outbox';
import { SqlTransactions } from '@wahooks/prisma';

import { fromAccepted, fromMetaStatus, messageStream, STATUS_SCHEMA_VERSION, StatusEventTypes } from './status-events.mapper';
import { StatusProjector } from './status-projector';

export interface IngestResult {
  appended: number;
  duplicates: number;
}

/**
 * Turns raw webhooks and send acknowledgements into status events and applies
 * them, all in one transaction per batch: append (duplicates skipped by
 * idempotency key), project only the new events, write outbox rows, commit.
 * The consumer runtime commits Kafka offsets after this returns.
 */
@Injectable()
export class StatusIngestService {
  constructor(
    private readonly sql: SqlTransactions,
    private readonly store: EventStore,
    private readonly projector: StatusProjector,
    private readonly outbox: OutboxRepository,
    private readonly relay: OutboxRelay,
  ) {}

  /** A batch of `whatsapp.webhooks.raw.v1`: only statuses concern this service. */
  ingestRawBatch(batch: RecordBatch): Promise<IngestResult> {
    const events: NewEvent[] = [];
    for (const record of batch.records) {
      const { tenantId, events: metaEvents } = decodeRawWebhook(record);
      for (const e of metaEvents) {
        if (e.kind !== 'message.status') continue;
        events.push(statusEvent(tenantId, e, record, batch));
      }
    }
    return this.appendAndApply(events);
  }

  /** A batch of `whatsapp.messages.accepted.v1`: tenant from the header, payload validated. */
  ingestAcceptedBatch(batch: RecordBatch): Promise<IngestResult> {
    const events = batch.records.map((record) => {
      const { tenantId, accepted } = decodeAcceptedMessage(record);
      return acceptedEvent(tenantId, accepted, record.timestamp, { source: { topic: batch.topic, partition: batch.partition, offset: record.offset } });
    });
    return this.appendAndApply(events);
  }

  /** The HTTP path for senders: same events, same transaction shape. */
  ingestAccepted(tenantId: string, payloads: AcceptedMessageV1[]): Promise<IngestResult> {
    const now = Date.now();
    return this.appendAndApply(payloads.map((p) => acceptedEvent(tenantId, p, now, { correlationId: 'http' })));
  }

  /** Appends events decided elsewhere (the stall detector) through the same path. */
  appendAndApply(events: NewEvent[]): Promise<IngestResult> {
    if (events.length === 0) return Promise.resolve({ appended: 0, duplicates: 0 });
    return this.sql
      .run(async (tx) => {
        const result = await this.store.appendBatch(tx, events);
        const messages = await this.projector.apply(tx, result.appended, { publish: true });
        await this.outbox.add(tx, messages);
        return { appended: result.appended.length, duplicates: result.duplicates.length, published: messages.length };
      })
      .then(({ published, ...result }) => {
        if (published > 0) this.relay.kick();
        return result;
      });
  }
}

function statusEvent(tenantId: string, e: MessageStatusEvent, record: RecordBatch['records'][number], batch: RecordBatch): NewEvent {
  return {
    tenantId,
    streamId: messageStream(e.wamid),
    type: StatusEventTypes.status(e.status),
    schemaVersion: STATUS_SCHEMA_VERSION,
    data: fromMetaStatus(e),
    idempotencyKey: e.idempotencyKey,
    metadata: {
      source: { topic: batch.topic, partition: batch.partition, offset: record.offset },
      deliveryId: record.headers[RawHeaders.deliveryId],
      wamid: e.wamid,
      correlationId: record.headers[RawHeaders.traceparent],
      receivedAt: record.headers[RawHeaders.receivedAt],
    },
  };
}

function acceptedEvent(tenantId: string, p: AcceptedMessageV1, nowMs: number, metadata: NewEvent['metadata']): NewEvent {
  return {
    tenantId,
    streamId: messageStream(p.wamid),
    type: StatusEventTypes.accepted,
    schemaVersion: STATUS_SCHEMA_VERSION,
    data: fromAccepted(tenantId, p, nowMs),
    idempotencyKey: `accepted:${p.wamid}:${p.internalMessageId}`,
    metadata: { ...metadata, wamid: p.wamid },
  };
}
