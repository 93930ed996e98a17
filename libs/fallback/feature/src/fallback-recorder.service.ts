import { Injectable, Logger } from '@nestjs/common';

import { AppendOptions, EventStore } from '@wahooks/event-store';
import type { SqlTx } from '@wahooks/prisma';
import type { FallbackEvent, SuppressionChanged } from '@wahooks/fallback-domain';
import { MetricsService } from '@wahooks/observability';
import { OutboxMessage, OutboxRepository } from '@wahooks/outbox';

import { decisionKey, toDomain, toNewEvent } from './fallback-events.mapper';
import { FallbackMessageRepository } from './fallback-message.repository';
import { FallbackWorkspace } from './fallback-workspace';
import { effectsOf } from './side-effects';
import { SmsPayload, SmsRequestRepository } from './sms-request.repository';
import { SuppressionRepository } from './suppression.repository';

export interface Decided {
  tenantId: string;
  /** The message the decision is about (also for suppression changes it caused). */
  wamid: string;
  event: FallbackEvent | SuppressionChanged;
  causationId?: string;
}

/**
 * Stores decisions and their side effects in the caller's transaction:
 * append (a decision already stored is skipped by its key), then, for the
 * new ones only, outbox rows and SMS requests. Every path that decides
 * (consumer, SMS dispatcher, time-based scanner) goes through here.
 */
@Injectable()
export class FallbackRecorder {
  private readonly logger = new Logger('FallbackRecorder');
  private readonly decisions;

  constructor(
    private readonly store: EventStore,
    private readonly messages: FallbackMessageRepository,
    private readonly suppressions: SuppressionRepository,
    private readonly outbox: OutboxRepository,
    private readonly sms: SmsRequestRepository,
    metrics: MetricsService,
  ) {
    this.decisions = metrics.counter('wahooks_fallback_decisions_total', 'Fallback decisions stored, by kind and action', ['tenant', 'kind', 'action']);
  }

  workspace(tx: SqlTx): FallbackWorkspace {
    return new FallbackWorkspace(tx, this.messages, this.suppressions);
  }

  /**
   * `ws` must already hold the decisions folded (the caller decided on the
   * folded state); returns how many side effects were written.
   */
  async record(tx: SqlTx, ws: FallbackWorkspace, decided: Decided[], options: AppendOptions = {}): Promise<{ appended: number; effects: number }> {
    if (decided.length === 0) return { appended: 0, effects: 0 };
    const events = decided.map((x) => toNewEvent(x.tenantId, x.event, decisionKey(x.event, x.wamid), { wamid: x.wamid, ...(x.causationId ? { causationId: x.causationId } : {}) }));
    const result = await this.store.appendBatch(tx, events, options);
    const outbox: OutboxMessage[] = [];
    const sms: SmsPayload[] = [];
    for (const e of result.appended) {
      ws.notePosition(e);
      const d = toDomain(e);
      const wamid = decided[e.index]?.wamid;
      const state = wamid ? ws.state(e.tenantId, wamid) : undefined;
      if (!d || !state) continue;
      const fx = effectsOf(e.tenantId, d, state);
      outbox.push(...fx.outbox);
      sms.push(...fx.sms);
      const action = d.type === 'decided' ? d.decision.action : d.type === 'sms-completed' ? d.outcome : '';
      this.decisions.inc({ tenant: e.tenantId, kind: d.type, action });
      this.logger.log({ tenant: e.tenantId, wamid, kind: d.type, action, position: e.globalPosition.toString() }, `fallback ${d.type}`);
    }
    // One statement each for the whole batch of decisions.
    await this.outbox.add(tx, outbox);
    await this.sms.insert(tx, sms);
    return { appended: result.appended.length, effects: outbox.length + sms.length };
  }
}
