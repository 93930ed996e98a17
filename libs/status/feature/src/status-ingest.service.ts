import { Injectable } from '@nestjs/common';

import { decodeAcceptedMessage, decodeRawWebhook } from '@wahooks/consumer-runtime';
import type { ConsumedRecord } from '@wahooks/consumer-runtime';
import { AcceptedMessageV1, RawHeaders, Topics } from '@wahooks/events-contract';
import { AppendedEvent, EventStore, NewEvent } from '@wahooks/event-store';
import type { AdConversionEvent, MessageStatusEvent } from '@wahooks/meta-contract';
import { UNREADABLE_CONTENT, splitToken } from '@wahooks/meta-contract';
import { MetricsService } from '@wahooks/observability';
import { OutboxRelay, OutboxRepository } from '@wahooks/outbox';
import { SqlTransactions, SqlTx } from '@wahooks/prisma';
import { Applied, ApplyOptions, IngestResult, ProjectionIngest, ProjectionSpec, sourceOf } from '@wahooks/service-kit';

import { fromAccepted, fromAdConversion, fromMetaStatus, isMessageConversion, isStatus, messageStream, STATUS_SCHEMA_VERSION, StatusEventTypes } from './status-events.mapper';
import { StatusProjector } from './status-projector';

/** The status ledger as a projection: statuses and send acknowledgements in, `message_status` and status changes out. */
@Injectable()
export class StatusProjection implements ProjectionSpec {
  readonly name = 'status';
  readonly decode = {
    /** Statuses, and the conversions Meta detected in a message (they go on the message's stream). */
    [Topics.webhooksRaw]: (record: ConsumedRecord): NewEvent[] => {
      const { tenantId, events } = decodeRawWebhook(record);
      return events.flatMap((e) => (isStatus(e) ? [statusEvent(tenantId, e, record)] : isMessageConversion(e) ? [conversionEvent(tenantId, e, record)] : []));
    },
    /** Tenant from the header, payload validated. */
    [Topics.messagesAccepted]: (record: ConsumedRecord): NewEvent[] => {
      const { tenantId, accepted } = decodeAcceptedMessage(record);
      return [acceptedEvent(tenantId, accepted, record.timestamp, { source: sourceOf(record) })];
    },
  };

  /** Statuses, and the conversions Meta detects (automatic_events); everything else is skipped unparsed. */
  wantsRaw(tokens: readonly string[]): boolean {
    return tokens.some((t) => t === UNREADABLE_CONTENT || t === 'messages:statuses' || splitToken(t).field === 'automatic_events');
  }

  constructor(private readonly projector: StatusProjector) {}

  async apply(tx: SqlTx, appended: readonly AppendedEvent[], options: ApplyOptions): Promise<Applied> {
    return { outbox: await this.projector.apply(tx, appended, options) };
  }
}

/**
 * Raw webhooks and send acknowledgements in, through the one ingest path
 * (ProjectionIngest): append (duplicates skipped by idempotency key), project
 * only the new events, write outbox rows, commit, in bounded chunks. The
 * consumer runtime commits Kafka offsets after this returns.
 */
@Injectable()
export class StatusIngestService extends ProjectionIngest {
  constructor(spec: StatusProjection, sql: SqlTransactions, store: EventStore, outbox: OutboxRepository, relay: OutboxRelay, metrics: MetricsService) {
    super(spec, sql, store, outbox, relay, metrics);
  }

  /** The HTTP path for senders: same events, same transaction shape. */
  ingestAccepted(tenantId: string, payloads: AcceptedMessageV1[]): Promise<IngestResult> {
    const now = Date.now();
    return this.appendAndApply(payloads.map((p) => acceptedEvent(tenantId, p, now, { correlationId: 'http' })));
  }
}

function metadataOf(record: ConsumedRecord, wamid: string): NewEvent['metadata'] {
  return {
    source: sourceOf(record),
    deliveryId: record.headers[RawHeaders.deliveryId],
    wamid,
    correlationId: record.headers[RawHeaders.traceparent],
    receivedAt: record.headers[RawHeaders.receivedAt],
  };
}

function statusEvent(tenantId: string, e: MessageStatusEvent, record: ConsumedRecord): NewEvent {
  return {
    tenantId,
    streamId: messageStream(e.wamid),
    type: StatusEventTypes.status(e.status),
    schemaVersion: STATUS_SCHEMA_VERSION,
    data: fromMetaStatus(e),
    idempotencyKey: e.idempotencyKey,
    metadata: metadataOf(record, e.wamid),
  };
}

/** Keyed by meta-contract's (WABA, wamid, event name) key: Meta's retries and fan-out copies are skipped by the store. */
function conversionEvent(tenantId: string, e: AdConversionEvent & { wamid: string }, record: ConsumedRecord): NewEvent {
  return {
    tenantId,
    streamId: messageStream(e.wamid),
    type: StatusEventTypes.conversion,
    schemaVersion: STATUS_SCHEMA_VERSION,
    data: fromAdConversion(e),
    idempotencyKey: e.idempotencyKey,
    metadata: metadataOf(record, e.wamid),
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
