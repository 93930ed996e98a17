import { Inject, Injectable } from '@nestjs/common';

import { StallConfig, stallSection } from '@wahooks/config';
import { NewEvent } from '@wahooks/event-store';
import { findStalled, StallLimits } from '@wahooks/status-domain';
import { BackgroundTask } from '@wahooks/worker';

import { MessageQueryRepository } from './message-query.repository';
import { messageStream, STATUS_SCHEMA_VERSION, StatusEventTypes } from './status-events.mapper';
import { StatusIngestService } from './status-ingest.service';

/**
 * Finds messages accepted and not sent, or sent and not delivered, past the
 * tenant's limits, and records each as a `message.stalled` event (one per
 * message and reason: the idempotency key makes concurrent replicas agree).
 * The projection turns it into an alert on the alerts topic.
 */
@Injectable()
export class StallDetector extends BackgroundTask {
  readonly name = 'stall-scan';
  override readonly firstRoundAfterIdle = true;
  readonly idleMs: number;

  constructor(
    private readonly query: MessageQueryRepository,
    private readonly ingest: StatusIngestService,
    @Inject(stallSection.token) private readonly config: StallConfig,
  ) {
    super();
    this.idleMs = config.scanIntervalMs;
  }

  /** One scan per interval: a pass that found stalls is not repeated at once (they are recorded). */
  async round(): Promise<number> {
    await this.scan(Date.now());
    return 0;
  }

  limitsFor(tenantId: string): StallLimits {
    const o = this.config.byTenant[tenantId] ?? {};
    return {
      acceptedToSentMs: o.acceptedToSentMs ?? this.config.acceptedToSentMs,
      sentToDeliveredMs: o.sentToDeliveredMs ?? this.config.sentToDeliveredMs,
    };
  }

  /** One pass; returns how many stalls were recorded. */
  async scan(nowMs: number): Promise<number> {
    const overrides = Object.values(this.config.byTenant).flatMap((o) => [o.acceptedToSentMs, o.sentToDeliveredMs]);
    const shortest = Math.min(this.config.acceptedToSentMs, this.config.sentToDeliveredMs, ...overrides.filter((n): n is number => n !== undefined));
    const candidates = await this.query.stallCandidates(new Date(nowMs - shortest), 1000);
    const events: NewEvent[] = [];
    for (const row of candidates) {
      const reason = findStalled(row.state, nowMs, this.limitsFor(row.tenant_id));
      if (!reason) continue;
      events.push({
        tenantId: row.tenant_id,
        streamId: messageStream(row.wamid),
        type: StatusEventTypes.stalled,
        schemaVersion: STATUS_SCHEMA_VERSION,
        data: { wamid: row.wamid, reason, detectedAtMs: nowMs },
        idempotencyKey: `stalled:${row.wamid}:${reason}`,
        metadata: { wamid: row.wamid },
      });
    }
    if (events.length > 0) await this.ingest.appendAndApply(events);
    return events.length;
  }
}
