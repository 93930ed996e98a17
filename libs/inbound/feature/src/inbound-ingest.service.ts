import { Injectable, Logger } from '@nestjs/common';

import { decodeRawWebhook } from '@wahooks/consumer-runtime';
import type { ConsumedRecord } from '@wahooks/consumer-runtime';
import { RawHeaders, Topics } from '@wahooks/events-contract';
import { AppendedEvent, EventStore, NewEvent } from '@wahooks/event-store';
import { UNREADABLE_CONTENT, splitToken } from '@wahooks/meta-contract';
import { MetricsService } from '@wahooks/observability';
import { OutboxRelay, OutboxRepository } from '@wahooks/outbox';
import { SqlTransactions, SqlTx } from '@wahooks/prisma';
import { Applied, ApplyOptions, ProjectionIngest, ProjectionSpec, sourceOf } from '@wahooks/service-kit';

import { AddressBookProjector } from './address-book.projector';
import { contactSyncedEvent, errorsEvent, InboundEventTypes, receivedEvent, unknownEvent } from './inbound-events.mapper';
import { InboundProjector } from './inbound-projector';
import { MediaFetcher } from './media-fetcher.service';

/**
 * Customer messages as a projection: inbound messages, errors and unknown
 * shapes of `messages` changes in (Meta's retries are duplicates by key);
 * messages, contacts, conversations, media jobs and publications out.
 * Media downloads happen later, off this path (MediaFetcher). The business's
 * own address book (`smb_app_state_sync`, coexistence) is folded beside them.
 */
@Injectable()
export class InboundProjection implements ProjectionSpec {
  readonly name = 'inbound';
  private readonly logger = new Logger(InboundProjection.name);
  private readonly received;
  private readonly unknown;
  private readonly errors;
  private readonly syncs;
  readonly decode = {
    [Topics.webhooksRaw]: (record: ConsumedRecord): NewEvent[] => {
      const { tenantId, events } = decodeRawWebhook(record);
      const receivedAt = Date.parse(record.headers[RawHeaders.receivedAt] ?? '');
      const metadata = { source: sourceOf(record), deliveryId: record.headers[RawHeaders.deliveryId], correlationId: record.headers[RawHeaders.traceparent] };
      const receivedAtMs = Number.isNaN(receivedAt) ? null : receivedAt;
      const out: NewEvent[] = [];
      for (const e of events) {
        if (e.kind === 'message.inbound') out.push(receivedEvent(tenantId, e, metadata, receivedAtMs));
        else if (e.kind === 'message.errors' && e.field === 'messages') out.push(errorsEvent(tenantId, e, metadata));
        else if (e.kind === 'contact.sync') out.push(contactSyncedEvent(tenantId, e, metadata, receivedAtMs));
        else if (e.kind === 'unknown' && (e.field === 'messages' || e.field === 'smb_app_state_sync')) out.push(unknownEvent(tenantId, e, metadata));
      }
      return out;
    },
  };

  /** Customer messages (and what else a `messages` change carries beside statuses and clicks) and the address book sync. */
  wantsRaw(tokens: readonly string[]): boolean {
    return tokens.some((t) => {
      if (t === UNREADABLE_CONTENT) return true;
      const { field, member } = splitToken(t);
      return (field === 'messages' && member !== 'statuses' && member !== 'user_actions') || field === 'smb_app_state_sync';
    });
  }

  constructor(
    private readonly projector: InboundProjector,
    private readonly addressBook: AddressBookProjector,
    private readonly fetcher: MediaFetcher,
    metrics: MetricsService,
  ) {
    this.received = metrics.counter('wahooks_inbound_messages_total', 'Inbound messages recorded (duplicates excluded), by normalized type', ['tenant', 'type']);
    this.unknown = metrics.counter('wahooks_inbound_unknown_total', 'Unreadable parts of messages and smb_app_state_sync changes, kept with their raw JSON', ['tenant', 'reason']);
    this.errors = metrics.counter('wahooks_inbound_errors_total', 'value.errors of messages changes, by code', ['tenant', 'code']);
    this.syncs = metrics.counter('wahooks_inbound_contact_syncs_total', 'Address-book syncs (smb_app_state_sync) that changed an entry, by action', ['tenant', 'action']);
  }

  async apply(tx: SqlTx, appended: readonly AppendedEvent[], options: ApplyOptions): Promise<Applied> {
    const projection = await this.projector.apply(tx, appended, options);
    const book = await this.addressBook.apply(tx, appended, options);
    return {
      outbox: [...projection.outbox, ...book.outbox],
      afterCommit: () => {
        if (projection.mediaJobs > 0) this.fetcher.kick();
        for (const m of projection.messages) {
          this.received.inc({ tenant: m.tenantId, type: m.type });
          this.logger.debug({ tenant: m.tenantId, wamid: m.wamid, type: m.type, conversationId: m.conversationId }, 'inbound message recorded');
          if (m.textRepaired) this.logger.warn({ tenant: m.tenantId, wamid: m.wamid, paths: m.textRepaired }, 'message text held characters Postgres cannot store; replaced by U+FFFD (the raw record keeps them)');
        }
        for (const { tenantId, sync } of book.applied) {
          this.syncs.inc({ tenant: tenantId, action: sync.action });
          this.logger.debug({ tenant: tenantId, identity: sync.identity, action: sync.action, phoneNumberId: sync.phoneNumberId }, 'address-book entry synced');
        }
        for (const i of book.ignored) this.logger.warn({ tenant: i.tenantId, reason: i.reason, rawAction: i.rawAction, position: i.position.toString() }, 'address-book sync kept as an event, not folded');
        for (const e of appended) this.note(e);
      },
    };
  }

  private note(e: AppendedEvent): void {
    const data = e.data as { reason?: string; errors?: Array<{ code?: number }> };
    if (e.type === InboundEventTypes.unknown) {
      this.unknown.inc({ tenant: e.tenantId, reason: data.reason ?? 'unknown' });
      this.logger.warn({ tenant: e.tenantId, reason: data.reason, position: e.globalPosition.toString() }, 'unreadable content of a messages or smb_app_state_sync change kept as an event');
    } else if (e.type === InboundEventTypes.errors) {
      for (const err of data.errors ?? []) this.errors.inc({ tenant: e.tenantId, code: String(err.code ?? 'none') });
      this.logger.warn({ tenant: e.tenantId, codes: (data.errors ?? []).map((x) => x.code) }, 'Meta reported errors on the messages field');
    }
  }
}

/** Customer messages through the one ingest path (ProjectionIngest). */
@Injectable()
export class InboundIngestService extends ProjectionIngest {
  constructor(spec: InboundProjection, sql: SqlTransactions, store: EventStore, outbox: OutboxRepository, relay: OutboxRelay, metrics: MetricsService) {
    super(spec, sql, store, outbox, relay, metrics);
  }
}
