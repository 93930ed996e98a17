import { Inject, Injectable, Logger, OnApplicationShutdown, Optional } from '@nestjs/common';

import { backoffMs } from '@wahooks/consumer-runtime';
import type { SmsCompleted } from '@wahooks/fallback-domain';
import { MetricsService } from '@wahooks/observability';
import { OutboxRelay } from '@wahooks/outbox';
import { PrismaService } from '@wahooks/prisma';

import { Decided, FallbackRecorder } from './fallback-recorder.service';
import { FallbackSettings } from './fallback-settings.service';
import { SMS_PROVIDER, SmsProvider, SmsSendResult } from './sms-provider';
import { ClaimedSms, SmsRequestRepository } from './sms-request.repository';

const BATCH = 20;

/**
 * Sends pending SMS requests. Each round is one transaction: claim due rows
 * (FOR UPDATE SKIP LOCKED, so replicas share the work), call the provider
 * with each row's idempotency key, then record the outcome (row, event,
 * outbox) and commit. A crash before the commit leaves the row pending with
 * its attempt uncounted: the next round sends the same key, and the
 * provider's deduplication makes that the same SMS. Past the attempt bound
 * the request is recorded as failed, which raises an alert.
 */
@Injectable()
export class SmsDispatcher implements OnApplicationShutdown {
  private readonly logger = new Logger(SmsDispatcher.name);
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;
  private started = false;
  private readonly attemptsMetric;

  constructor(
    private readonly prisma: PrismaService,
    private readonly sms: SmsRequestRepository,
    private readonly recorder: FallbackRecorder,
    private readonly settings: FallbackSettings,
    private readonly relay: OutboxRelay,
    @Optional() @Inject(SMS_PROVIDER) private readonly provider: SmsProvider | null,
    metrics: MetricsService,
  ) {
    this.attemptsMetric = metrics.counter('wahooks_fallback_sms_attempts_total', 'Calls to the SMS provider, by result', ['tenant', 'result']);
  }

  start(): void {
    if (!this.provider) {
      this.logger.warn('FALLBACK_SMS_URL is not set: SMS requests are recorded and wait for a provider');
      return;
    }
    this.started = true;
    this.timer = setInterval(() => this.kick(), this.settings.config.sms.pollMs);
  }

  kick(): void {
    if (!this.started || this.stopped || this.running) return;
    this.running = this.drain()
      .catch((error: unknown) => this.logger.warn({ err: error }, 'SMS dispatch round failed; will retry'))
      .finally(() => (this.running = undefined));
  }

  /** Rounds until nothing is due. */
  async drain(): Promise<void> {
    while (!this.stopped && (await this.round()) > 0);
  }

  /** One claim-send-record round; returns how many rows it handled. */
  async round(): Promise<number> {
    const provider = this.provider;
    if (!provider) return 0;
    const cfg = this.settings.config.sms;
    const handled = await this.prisma.$transaction(
      async (tx) => {
        const rows = await this.sms.claimDue(tx, BATCH);
        if (rows.length === 0) return 0;
        const results = await Promise.all(rows.map((r) => (r.superseded ? Promise.resolve(undefined) : provider.send(r.payload))));
        const ws = this.recorder.workspace(tx);
        const completed: Decided[] = [];
        for (const [i, row] of rows.entries()) {
          const done = await this.settle(tx, row, results[i]);
          if (!done) continue;
          await ws.fold(row.tenantId, done);
          completed.push({ tenantId: row.tenantId, wamid: row.wamid, event: done });
        }
        await this.recorder.record(tx, ws, completed);
        await ws.flush();
        return rows.length;
      },
      { maxWait: 10_000, timeout: cfg.timeoutMs * 2 + 30_000 },
    );
    if (handled > 0) this.relay.kick();
    return handled;
  }

  /** Updates the row; returns the completion event when the request is finished. */
  private async settle(tx: Parameters<SmsRequestRepository['complete']>[0], row: ClaimedSms, result: SmsSendResult | undefined): Promise<SmsCompleted | undefined> {
    const cfg = this.settings.config.sms;
    const done = (outcome: SmsCompleted['outcome'], attempts: number, detail: string | null): SmsCompleted => ({ type: 'sms-completed', wamid: row.wamid, outcome, attempts, detail, atMs: Date.now() });
    if (!result) {
      await this.sms.complete(tx, row.id, 'cancelled', row.attempts, { error: 'superseded by a delivery receipt' });
      return done('cancelled', row.attempts, 'superseded by a delivery receipt');
    }
    const attempts = row.attempts + 1;
    const log = { tenant: row.tenantId, wamid: row.wamid, attempts };
    if (result.ok) {
      this.attemptsMetric.inc({ tenant: row.tenantId, result: 'sent' });
      await this.sms.complete(tx, row.id, 'sent', attempts, { providerMessageId: result.providerMessageId });
      return done('sent', attempts, result.providerMessageId);
    }
    this.attemptsMetric.inc({ tenant: row.tenantId, result: result.retryable ? 'retryable-error' : 'error' });
    if (!result.retryable || attempts >= cfg.maxAttempts) {
      this.logger.error({ ...log, error: result.error }, 'SMS fallback failed for good');
      await this.sms.complete(tx, row.id, 'failed', attempts, { error: result.error });
      return done('failed', attempts, result.error);
    }
    this.logger.warn({ ...log, error: result.error }, 'SMS attempt failed; will retry');
    await this.sms.reschedule(tx, row.id, attempts, backoffMs(attempts, cfg.backoffBaseMs, cfg.backoffCapMs), result.error);
    return undefined;
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.running;
  }
}
