import { Injectable } from '@nestjs/common';

import { decodeAcceptedMessage, decodeRawWebhook } from '@wahooks/consumer-runtime';
import type { ConsumedRecord } from '@wahooks/consumer-runtime';
import { RawHeaders, Topics } from '@wahooks/events-contract';
import { AppendedEvent, EventStore, NewEvent } from '@wahooks/event-store';
import { decideOnStatus, evolve, initialFallbackState, isNews } from '@wahooks/fallback-domain';
import type { FallbackState, StatusObserved } from '@wahooks/fallback-domain';
import { UNREADABLE_CONTENT, splitToken } from '@wahooks/meta-contract';
import { MetricsService } from '@wahooks/observability';
import { OutboxRelay, OutboxRepository } from '@wahooks/outbox';
import { SqlTransactions, SqlTx } from '@wahooks/prisma';
import { Applied, ApplyOptions, ProjectionIngest, ProjectionSpec, sourceOf } from '@wahooks/service-kit';

import { acceptedObserved, preferenceChanged, statusObserved, toDomain, toNewEvent } from './fallback-events.mapper';
import { FallbackMessageRepository } from './fallback-message.repository';
import { Decided, FallbackRecorder } from './fallback-recorder.service';
import { FallbackSettings } from './fallback-settings.service';
import type { FallbackWorkspace } from './fallback-workspace';
import { SmsDispatcher } from './sms-dispatcher.service';

/**
 * Error-code policies as a projection: status observations and send
 * acknowledgements in; folded message state, decisions (appended as events
 * in the same transaction), their outbox rows and SMS requests out. Only the
 * statuses that are news are stored (worthStoring). Every row a chunk of
 * events needs is loaded up front, one query per table and tenant, so a
 * delivery of 20,000 failed statuses costs a handful of queries per chunk,
 * not several per status.
 */
@Injectable()
export class FallbackProjection implements ProjectionSpec {
  readonly name = 'fallback';
  readonly decode = {
    /** Statuses and marketing preferences concern this service. */
    [Topics.webhooksRaw]: (record: ConsumedRecord): NewEvent[] => {
      const { tenantId, events: metaEvents } = decodeRawWebhook(record);
      const metadata = { source: sourceOf(record), deliveryId: record.headers[RawHeaders.deliveryId], correlationId: record.headers[RawHeaders.traceparent] };
      const out: NewEvent[] = [];
      for (const e of metaEvents) {
        if (e.kind === 'message.status') {
          out.push(toNewEvent(tenantId, statusObserved(e), `fb:${e.idempotencyKey}`, metadata));
        } else if (e.kind === 'user_preferences') {
          const change = preferenceChanged(e, record.timestamp);
          if (change) out.push(toNewEvent(tenantId, change, `fb:${e.idempotencyKey}`, metadata));
        }
      }
      return out;
    },
    /** The recipient and template a time-based fallback needs. */
    [Topics.messagesAccepted]: (record: ConsumedRecord): NewEvent[] => {
      const { tenantId, accepted: a } = decodeAcceptedMessage(record);
      return [toNewEvent(tenantId, acceptedObserved(a, record.timestamp), `fb-accepted:${a.wamid}:${a.internalMessageId}`, { source: sourceOf(record) })];
    },
  };

  /** Statuses and marketing preferences; everything else is skipped unparsed. */
  wantsRaw(tokens: readonly string[]): boolean {
    return tokens.some((t) => t === UNREADABLE_CONTENT || t === 'messages:statuses' || splitToken(t).field === 'user_preferences');
  }

  /**
   * A status is stored only when it is news (isNews: it changes a fact some
   * decision reads) against the message's row, the chunk's earlier events
   * folded in; one query per tenant. Any other status would change neither
   * the row nor any decision, here or later (facts only accumulate, so a row
   * a concurrent writer is about to move judges it the same), and a replay
   * leaves it out again. Sends and preferences are always stored.
   */
  async worthStoring(tx: SqlTx, events: readonly NewEvent[]): Promise<readonly NewEvent[]> {
    const wamids = new Map<string, Set<string>>();
    for (const e of events) {
      const d = toDomain(e);
      if (d?.type === 'status') wamids.set(e.tenantId, (wamids.get(e.tenantId) ?? new Set()).add(d.wamid));
    }
    if (wamids.size === 0) return events;
    const states = new Map<string, FallbackState>();
    for (const [tenantId, ids] of wamids) {
      for (const [wamid, row] of await this.messages.load(tx, tenantId, [...ids])) states.set(messageKey(tenantId, wamid), row.state);
    }
    return events.filter((e) => {
      const d = toDomain(e);
      if (!d || d.type === 'suppression') return true;
      const k = messageKey(e.tenantId, d.wamid);
      const state = states.get(k) ?? initialFallbackState(d.wamid);
      if (d.type === 'status' && !isNews(state, d)) return false;
      states.set(k, evolve(state, d));
      return true;
    });
  }

  constructor(
    private readonly recorder: FallbackRecorder,
    private readonly messages: FallbackMessageRepository,
    private readonly settings: FallbackSettings,
    private readonly relay: OutboxRelay,
    private readonly dispatcher: SmsDispatcher,
  ) {}

  async apply(tx: SqlTx, appended: readonly AppendedEvent[], { nowMs }: ApplyOptions): Promise<Applied> {
    const ws = this.recorder.workspace(tx);
    await ws.preload(appended);
    // Everything the decisions below will ask for, loaded once.
    const statuses = appended.map((e) => ({ e, d: toDomain(e) })).filter((x): x is { e: AppendedEvent; d: StatusObserved } => x.d?.type === 'status');
    await ws.preloadRecipients(statuses.map(({ e, d }) => ({ tenantId: e.tenantId, wamid: d.wamid, ids: [d.recipientId, d.recipientUserId] })));
    const retried = await this.retryBudgets(tx, ws, statuses.filter((s) => s.d.status === 'failed').map(({ e, d }) => ({ tenantId: e.tenantId, wamid: d.wamid })));

    const decided: Decided[] = [];
    for (const e of appended) {
      await ws.applyRecorded(e);
      const d = toDomain(e);
      if (d?.type !== 'status') continue;
      for (const decision of await this.decide(ws, e.tenantId, d, nowMs, retried)) {
        await ws.fold(e.tenantId, decision);
        decided.push({ tenantId: e.tenantId, wamid: d.wamid, event: decision, causationId: e.idempotencyKey });
      }
    }
    const recorded = await this.recorder.record(tx, ws, decided);
    await ws.flush();
    return {
      outbox: [],
      afterCommit: () => {
        if (recorded.effects === 0) return;
        this.relay.kick();
        this.dispatcher.kick();
      },
    };
  }

  /** For each failed message's internal id: the wamids a retry was already requested for (the retry budget). */
  private async retryBudgets(tx: SqlTx, ws: FallbackWorkspace, failed: Array<{ tenantId: string; wamid: string }>): Promise<Map<string, Set<string>>> {
    const byTenant = new Map<string, Set<string>>();
    for (const { tenantId, wamid } of failed) {
      const internal = (await ws.message(tenantId, wamid)).state.internalMessageId;
      if (internal) byTenant.set(tenantId, (byTenant.get(tenantId) ?? new Set()).add(internal));
    }
    const out = new Map<string, Set<string>>();
    for (const [tenantId, internals] of byTenant) {
      for (const [internal, wamids] of await this.messages.retriedWamids(tx, tenantId, [...internals])) out.set(budgetKey(tenantId, internal), wamids);
    }
    return out;
  }

  private async decide(ws: FallbackWorkspace, tenantId: string, observed: StatusObserved, nowMs: number, retried: Map<string, Set<string>>) {
    const { state } = await ws.message(tenantId, observed.wamid);
    const suppression = await ws.suppression(tenantId, [state.recipient, state.recipientUserId]);
    const internal = state.internalMessageId;
    const key = internal ? budgetKey(tenantId, internal) : undefined;
    const earlier = key ? retried.get(key) : undefined;
    const retriesSoFar = key && observed.status === 'failed' ? (earlier?.size ?? 0) - (earlier?.has(observed.wamid) ? 1 : 0) : 0;
    const out = decideOnStatus(state, observed, {
      overrides: this.settings.overridesFor(tenantId),
      suppressed: suppression?.suppressed ?? false,
      retriesSoFar,
      maxRetries: this.settings.maxRetriesFor(tenantId),
      nowMs,
    });
    // A retry decided in this chunk counts for the next failure of the same internal message.
    if (key && out.some((d) => d.type === 'decided' && d.decision.action === 'retry')) retried.set(key, (earlier ?? new Set()).add(observed.wamid));
    return out;
  }
}

const budgetKey = (tenantId: string, internalMessageId: string): string => `${tenantId}\u0000${internalMessageId}`;
const messageKey = (tenantId: string, wamid: string): string => `${tenantId}\u0000${wamid}`;

/**
 * Raw webhooks and send acknowledgements in, decisions and side effects out,
 * through the one ingest path (ProjectionIngest), in bounded chunks.
 */
@Injectable()
export class FallbackIngestService extends ProjectionIngest {
  constructor(spec: FallbackProjection, sql: SqlTransactions, store: EventStore, outbox: OutboxRepository, relay: OutboxRelay, metrics: MetricsService) {
    super(spec, sql, store, outbox, relay, metrics);
  }
}
