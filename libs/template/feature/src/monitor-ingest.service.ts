import { Injectable, Logger } from '@nestjs/common';

import { decodeRawWebhook } from '@wahooks/consumer-runtime';
import type { ConsumedRecord } from '@wahooks/consumer-runtime';
import { RawHeaders, Topics } from '@wahooks/events-contract';
import { AppendedEvent, EventStore, NewEvent } from '@wahooks/event-store';
import { isManagementToken } from '@wahooks/meta-contract';
import { MetricsService } from '@wahooks/observability';
import { OutboxRelay, OutboxRepository } from '@wahooks/outbox';
import { SqlTransactions, SqlTx } from '@wahooks/prisma';
import { Applied, ApplyOptions, ProjectionIngest, ProjectionSpec, sourceOf } from '@wahooks/service-kit';

import { AlertDispatcher } from './alert-dispatcher.service';
import { AlertRepository } from './alert.repository';
import { toNewEvent } from './monitor-events.mapper';
import { MonitorProjector } from './monitor-projector';

/**
 * Templates, numbers and account health as a projection: management
 * webhooks in (Meta's repeats skipped by idempotency key); states, alerts
 * and their deliveries, and state changes on the outbox out.
 */
@Injectable()
export class MonitorProjection implements ProjectionSpec {
  readonly name = 'template-monitor';
  private readonly logger = new Logger(MonitorProjection.name);
  readonly decode = {
    /** Only management fields concern this service. */
    [Topics.webhooksRaw]: (record: ConsumedRecord): NewEvent[] => {
      const { tenantId, events } = decodeRawWebhook(record);
      const out: NewEvent[] = [];
      for (const e of events) {
        const event = toNewEvent(tenantId, e, {
          source: sourceOf(record),
          deliveryId: record.headers[RawHeaders.deliveryId],
          correlationId: record.headers[RawHeaders.traceparent],
          receivedAt: record.headers[RawHeaders.receivedAt],
          wabaId: e.wabaId,
        });
        if (event) out.push(event);
      }
      return out;
    },
  };

  /** Management fields only; messaging changes are skipped unparsed. */
  wantsRaw(tokens: readonly string[]): boolean {
    return tokens.some(isManagementToken);
  }

  constructor(
    private readonly projector: MonitorProjector,
    private readonly alerts: AlertRepository,
    private readonly dispatcher: AlertDispatcher,
  ) {}

  async apply(tx: SqlTx, appended: readonly AppendedEvent[], options: ApplyOptions): Promise<Applied> {
    const projected = await this.projector.apply(tx, appended, options);
    await this.alerts.record(tx, projected.alerts);
    return {
      outbox: projected.outbox,
      afterCommit: () => {
        if (projected.alerts.length > 0) this.dispatcher.kick();
        for (const a of projected.alerts) this.logger.log({ tenant: a.tenantId, kind: a.kind, alertKey: a.alertKey, occurredAt: a.occurredAt }, 'alert raised');
      },
    };
  }
}

/** Management webhooks through the one ingest path (ProjectionIngest). */
@Injectable()
export class MonitorIngestService extends ProjectionIngest {
  constructor(spec: MonitorProjection, sql: SqlTransactions, store: EventStore, outbox: OutboxRepository, relay: OutboxRelay, metrics: MetricsService) {
    super(spec, sql, store, outbox, relay, metrics);
  }
}
