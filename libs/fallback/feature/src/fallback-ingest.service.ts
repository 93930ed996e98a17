import { Injectable } from '@nestjs/common';

import { decodeAcceptedMessage, decodeRawWebhook, RecordBatch } from '@wahooks/consumer-runtime';
import { RawHeaders } from '@wahooks/events-contract';
import { EventStore, NewEvent } from '@wahooks/event-store';
import { decideOnStatus } from '@wahooks/fallback-domain';
import type { StatusObserved } from '@wahooks/fallback-domain';
import { OutboxRelay } from '@wahooks/outbox';
import { PrismaService, TxClient } from '@wahooks/prisma';

import { acceptedObserved, preferenceChanged, statusObserved, toDomain, toNewEvent } from './fallback-events.mapper';
import { FallbackMessageRepository } from './fallback-message.repository';
import { Decided, FallbackRecorder } from './fallback-recorder.service';
import { FallbackSettings } from './fallback-settings.service';
import type { FallbackWorkspace } from './fallback-workspace';
import { SmsDispatcher } from './sms-dispatcher.service';

const TX_OPTIONS = { maxWait: 10_000, timeout: 60_000 };

export interface IngestResult {
  appended: number;
  duplicates: number;
  decided: number;
}

/**
 * Raw webhooks and send acknowledgements in, decisions and side effects out,
 * one transaction per batch: append the observations (duplicates skipped),
 * fold the new ones and decide on each in order, append the decisions, write
 * their outbox rows and SMS requests, update the projections, commit.
 */
@Injectable()
export class FallbackIngestService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly store: EventStore,
    private readonly recorder: FallbackRecorder,
    private readonly messages: FallbackMessageRepository,
    private readonly settings: FallbackSettings,
    private readonly relay: OutboxRelay,
    private readonly dispatcher: SmsDispatcher,
  ) {}

  /** `whatsapp.webhooks.raw.v1`: statuses and marketing preferences concern this service. */
  ingestRawBatch(batch: RecordBatch): Promise<IngestResult> {
    const events: NewEvent[] = [];
    for (const record of batch.records) {
      const { tenantId, events: metaEvents } = decodeRawWebhook(record);
      const metadata = {
        source: { topic: batch.topic, partition: batch.partition, offset: record.offset },
        deliveryId: record.headers[RawHeaders.deliveryId],
        correlationId: record.headers[RawHeaders.traceparent],
      };
      for (const e of metaEvents) {
        if (e.kind === 'message.status') {
          events.push(toNewEvent(tenantId, statusObserved(e), `fb:${e.idempotencyKey}`, metadata));
        } else if (e.kind === 'user_preferences') {
          const change = preferenceChanged(e, record.timestamp);
          if (change) events.push(toNewEvent(tenantId, change, `fb:${e.idempotencyKey}`, metadata));
        }
      }
    }
    return this.process(events);
  }

  /** `whatsapp.messages.accepted.v1`: the recipient and template a time-based fallback needs. */
  ingestAcceptedBatch(batch: RecordBatch): Promise<IngestResult> {
    const events = batch.records.map((record) => {
      const { tenantId, accepted: a } = decodeAcceptedMessage(record);
      return toNewEvent(tenantId, acceptedObserved(a, record.timestamp), `fb-accepted:${a.wamid}:${a.internalMessageId}`, {
        source: { topic: batch.topic, partition: batch.partition, offset: record.offset },
      });
    });
    return this.process(events);
  }

  async process(events: NewEvent[], nowMs = Date.now()): Promise<IngestResult> {
    if (events.length === 0) return { appended: 0, duplicates: 0, decided: 0 };
    const result = await this.prisma.$transaction(async (tx) => {
      const stored = await this.store.appendBatch(tx, events);
      const ws = this.recorder.workspace(tx);
      await ws.preload(stored.appended);
      const decided: Decided[] = [];
      const retriesInBatch = new Map<string, number>();
      for (const e of stored.appended) {
        await ws.applyRecorded(e);
        const d = toDomain(e);
        if (d?.type !== 'status') continue;
        for (const decision of await this.decide(tx, ws, e.tenantId, d, nowMs, retriesInBatch)) {
          await ws.fold(e.tenantId, decision);
          decided.push({ tenantId: e.tenantId, wamid: d.wamid, event: decision, causationId: e.idempotencyKey });
        }
      }
      const recorded = await this.recorder.record(tx, ws, decided);
      await ws.flush();
      return { appended: stored.appended.length, duplicates: stored.duplicates.length, decided: recorded.appended, effects: recorded.effects };
    }, TX_OPTIONS);
    if (result.effects > 0) {
      this.relay.kick();
      this.dispatcher.kick();
    }
    return { appended: result.appended, duplicates: result.duplicates, decided: result.decided };
  }

  private async decide(tx: TxClient, ws: FallbackWorkspace, tenantId: string, observed: StatusObserved, nowMs: number, retriesInBatch: Map<string, number>) {
    const { state } = await ws.message(tenantId, observed.wamid);
    const suppression = await ws.suppression(tenantId, [state.recipient, state.recipientUserId]);
    const internal = state.internalMessageId;
    const budgetKey = `${tenantId}\u0000${internal}`;
    const retriesSoFar = internal && observed.status === 'failed' ? (await this.messages.retriesFor(tx, tenantId, internal, observed.wamid)) + (retriesInBatch.get(budgetKey) ?? 0) : 0;
    const out = decideOnStatus(state, observed, {
      overrides: this.settings.overridesFor(tenantId),
      suppressed: suppression?.suppressed ?? false,
      retriesSoFar,
      maxRetries: this.settings.maxRetriesFor(tenantId),
      nowMs,
    });
    if (internal && out.some((d) => d.type === 'decided' && d.decision.action === 'retry')) retriesInBatch.set(budgetKey, (retriesInBatch.get(budgetKey) ?? 0) + 1);
    return out;
  }
}
