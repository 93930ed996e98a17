import { Inject, Injectable, Logger, Optional } from '@nestjs/common';

import { backoffMs } from '@wahooks/consumer-runtime';
import type { SmsCompleted } from '@wahooks/fallback-domain';
import { MetricsService } from '@wahooks/observability';
import { OutboxRelay } from '@wahooks/outbox';
import { SqlTransactions, SqlTx } from '@wahooks/prisma';
import { BackgroundTask, UnrecordedOutcomes } from '@wahooks/worker';

import { Decided, FallbackRecorder } from './fallback-recorder.service';
import { FallbackSettings } from './fallback-settings.service';
import { SMS_PROVIDER, SmsProvider, SmsSendResult } from './sms-provider';
import { ClaimedSms, SmsRequestRepository } from './sms-request.repository';

const BATCH = 20;

/** One request of a round and what the provider answered (undefined: superseded, not sent). */
interface SentSms {
  row: ClaimedSms;
  result: SmsSendResult | undefined;
}

/**
 * Sends pending SMS requests, on the polling worker. A round leases due rows
 * in one short transaction, calls the provider with each row's idempotency
 * key outside any transaction, then records the outcomes (row, event,
 * outbox) in a second one. If the database refuses that write (read-only in
 * a failover, gone), the outcomes stay in memory and are written first in
 * the next round, nothing sent again. A crash between the two leaves the rows leased:
 * when the lease runs out they are sent again with the same keys, which the
 * provider's deduplication makes the same SMS. Past the attempt bound the
 * request is recorded as failed, which raises an alert.
 */
@Injectable()
export class SmsDispatcher extends BackgroundTask {
  readonly name = 'sms-dispatch';
  readonly idleMs: number;
  private readonly logger = new Logger(SmsDispatcher.name);
  private readonly attemptsMetric;
  /** Sent, but the database refused the outcome; their rows stay leased meanwhile. */
  private readonly unrecorded = new UnrecordedOutcomes<SentSms>();

  constructor(
    private readonly sql: SqlTransactions,
    private readonly sms: SmsRequestRepository,
    private readonly recorder: FallbackRecorder,
    private readonly settings: FallbackSettings,
    private readonly relay: OutboxRelay,
    @Optional() @Inject(SMS_PROVIDER) private readonly provider: SmsProvider | null,
    metrics: MetricsService,
  ) {
    super();
    this.idleMs = settings.config.sms.pollMs;
    this.attemptsMetric = metrics.counter('wahooks_fallback_sms_attempts_total', 'Calls to the SMS provider, by result', ['tenant', 'result']);
  }

  protected override enabled(): boolean {
    if (!this.provider) this.logger.warn('FALLBACK_SMS_URL is not set: SMS requests are recorded and wait for a provider');
    return this.provider !== null && this.provider !== undefined;
  }

  /** Rounds until nothing is due (tests and tools; the worker does the same round by round). */
  async drain(): Promise<void> {
    while ((await this.round()) > 0);
  }

  /** One lease-send-record round; returns how many rows it handled. */
  async round(): Promise<number> {
    const provider = this.provider;
    if (!provider) return 0;
    // Sent in an earlier round, outcome refused by the database: written first, not sent again.
    const retried = await this.unrecorded.retry((sent) => this.recordAll(sent));
    if (retried > 0) return retried;
    // The lease outlasts every attempt of the round: they run in parallel, each bounded by the provider timeout.
    const leaseMs = this.settings.config.sms.timeoutMs * 2 + 30_000;
    const rows = await this.sql.run((tx) => this.sms.leaseDue(tx, BATCH, leaseMs));
    if (rows.length === 0) return 0;
    const results = await Promise.all(rows.map((r) => (r.superseded ? Promise.resolve(undefined) : provider.send(r.payload))));
    await this.unrecorded.record(
      rows.map((row, i) => ({ row, result: results[i] })),
      (sent) => this.recordAll(sent),
    );
    return rows.length;
  }

  /** Writes each request's outcome, and the completion events, in one transaction. */
  private async recordAll(sent: SentSms[]): Promise<void> {
    await this.sql.run(async (tx) => {
      const ws = this.recorder.workspace(tx);
      const completed: Decided[] = [];
      for (const { row, result } of sent) {
        const done = await this.settle(tx, row, result);
        if (!done) continue;
        await ws.fold(row.tenantId, done);
        completed.push({ tenantId: row.tenantId, wamid: row.wamid, event: done });
      }
      await this.recorder.record(tx, ws, completed);
      await ws.flush();
    });
    this.relay.kick();
  }

  /** Updates the row; returns the completion event when this round finished the request. */
  private async settle(tx: SqlTx, row: ClaimedSms, result: SmsSendResult | undefined): Promise<SmsCompleted | undefined> {
    const cfg = this.settings.config.sms;
    const done = (outcome: SmsCompleted['outcome'], attempts: number, detail: string | null): SmsCompleted => ({ type: 'sms-completed', wamid: row.wamid, outcome, attempts, detail, atMs: Date.now() });
    if (!result) {
      const finished = await this.sms.complete(tx, row.id, 'cancelled', row.attempts, { error: 'superseded by a delivery receipt' });
      return finished ? done('cancelled', row.attempts, 'superseded by a delivery receipt') : undefined;
    }
    const attempts = row.attempts + 1;
    const log = { tenant: row.tenantId, wamid: row.wamid, attempts };
    if (result.ok) {
      this.attemptsMetric.inc({ tenant: row.tenantId, result: 'sent' });
      const finished = await this.sms.complete(tx, row.id, 'sent', attempts, { providerMessageId: result.providerMessageId });
      return finished ? done('sent', attempts, result.providerMessageId) : undefined;
    }
    this.attemptsMetric.inc({ tenant: row.tenantId, result: result.retryable ? 'retryable-error' : 'error' });
    if (!result.retryable || attempts >= cfg.maxAttempts) {
      this.logger.error({ ...log, error: result.error }, 'SMS fallback failed for good');
      const finished = await this.sms.complete(tx, row.id, 'failed', attempts, { error: result.error });
      return finished ? done('failed', attempts, result.error) : undefined;
    }
    this.logger.warn({ ...log, error: result.error }, 'SMS attempt failed; will retry');
    await this.sms.reschedule(tx, row.id, attempts, backoffMs(attempts, cfg.backoffBaseMs, cfg.backoffCapMs), result.error);
    return undefined;
  }
}
