import { Injectable } from '@nestjs/common';

import { ConcurrencyError, EventStore } from '@wahooks/event-store';
import { decideUndelivered, evolve, initialFallbackState } from '@wahooks/fallback-domain';
import type { FallbackEvent } from '@wahooks/fallback-domain';
import { OutboxRelay } from '@wahooks/outbox';
import { SqlTransactions } from '@wahooks/prisma';
import { BackgroundTask } from '@wahooks/worker';

import { fallbackStream, toDomain } from './fallback-events.mapper';
import { FallbackMessageRepository } from './fallback-message.repository';
import { FallbackRecorder } from './fallback-recorder.service';
import { FallbackSettings } from './fallback-settings.service';
import { SmsDispatcher } from './sms-dispatcher.service';

/**
 * Time-based fallback: a message accepted and neither delivered nor failed
 * within the tenant's FALLBACK_UNDELIVERED_AFTER_MS gets the SMS fallback.
 * Each candidate is decided on its stream read afresh and appended with an
 * expected stream position, so a receipt that lands meanwhile wins (the
 * append conflicts and the message is looked at again next pass).
 */
@Injectable()
export class UndeliveredScanner extends BackgroundTask {
  readonly name = 'undelivered-scan';
  override readonly firstRoundAfterIdle = true;
  readonly idleMs: number;

  constructor(
    private readonly sql: SqlTransactions,
    private readonly store: EventStore,
    private readonly messages: FallbackMessageRepository,
    private readonly recorder: FallbackRecorder,
    private readonly settings: FallbackSettings,
    private readonly relay: OutboxRelay,
    private readonly dispatcher: SmsDispatcher,
  ) {
    super();
    this.idleMs = settings.config.scanIntervalMs;
  }

  protected override enabled(): boolean {
    return this.settings.shortestUndeliveredMs() > 0;
  }

  /** One scan per interval. */
  async round(): Promise<number> {
    await this.scan(Date.now());
    return 0;
  }

  /** One pass; returns how many SMS fallbacks it requested. */
  async scan(nowMs: number): Promise<number> {
    const shortest = this.settings.shortestUndeliveredMs();
    if (shortest === 0) return 0;
    const candidates = await this.sql.run((tx) => this.messages.awaitingBefore(tx, new Date(nowMs - shortest), 500));
    let requested = 0;
    for (const c of candidates) {
      const afterMs = this.settings.undeliveredAfterMsFor(c.tenantId);
      if (afterMs === 0) continue;
      try {
        requested += await this.decideOne(c.tenantId, c.wamid, nowMs, afterMs);
      } catch (error) {
        if (!(error instanceof ConcurrencyError)) throw error;
      }
    }
    if (requested > 0) {
      this.relay.kick();
      this.dispatcher.kick();
    }
    return requested;
  }

  private decideOne(tenantId: string, wamid: string, nowMs: number, afterMs: number): Promise<number> {
    return this.sql.run(async (tx) => {
      const stream = await this.store.readStream(tx, tenantId, fallbackStream(wamid));
      const state = stream.reduce((s, e) => {
        const d = toDomain(e);
        return d && d.type !== 'suppression' ? evolve(s, d as FallbackEvent) : s;
      }, initialFallbackState(wamid));
      const request = decideUndelivered(state, nowMs, afterMs);
      if (!request) return 0;
      const ws = this.recorder.workspace(tx);
      await ws.fold(tenantId, request);
      const position = stream[stream.length - 1]?.streamPosition ?? 0;
      const r = await this.recorder.record(tx, ws, [{ tenantId, wamid, event: request }], {
        expectedStreamPositions: [{ tenantId, streamId: fallbackStream(wamid), position }],
      });
      await ws.flush();
      return r.appended;
    });
  }
}
