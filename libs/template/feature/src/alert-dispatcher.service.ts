import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';

import { APP_CONFIG, AppConfig } from '@wahooks/config';
import type { EventStoreTx } from '@wahooks/event-store';
import { MetricsService } from '@wahooks/observability';
import { PrismaService } from '@wahooks/prisma';
import { AttemptResult, classifyAttempt, DELIVERY_ID_HEADER, nextAttemptDelayMs, SIGNATURE_HEADER, signAlertBody } from '@wahooks/template-domain';

import { AlertEndpointRepository } from './alert-endpoint.repository';

interface DueRow {
  id: string;
  delivery_id: string;
  tenant_id: string;
  body: string;
  attempts: number;
  created_at: Date;
  url: string;
  /** base64: raw bytea does not survive Prisma's raw-query result mapping. */
  signing_secret: string;
}

type Outcome = 'delivered' | 'retry' | 'rejected' | 'gave_up';

/**
 * Sends alert deliveries. Rows are claimed with FOR UPDATE SKIP LOCKED and
 * held for the attempt, so replicas never send the same row at once; the
 * result and the attempt log commit together. A crash after the receiver's
 * 2xx but before the commit sends again with the same delivery id, which
 * receivers use to deduplicate (at-least-once, like every webhook sender).
 */
@Injectable()
export class AlertDispatcher implements OnApplicationShutdown {
  private readonly logger = new Logger(AlertDispatcher.name);
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;
  private readonly outcomes;

  constructor(
    private readonly prisma: PrismaService,
    private readonly endpoints: AlertEndpointRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    metrics: MetricsService,
  ) {
    this.outcomes = metrics.counter('wahooks_alert_delivery_attempts_total', 'Alert webhook attempts by outcome', ['outcome']);
  }

  start(): void {
    this.timer = setInterval(() => this.kick(), this.config.alerts.dispatchIntervalMs);
  }

  kick(): void {
    if (this.stopped || this.running) return;
    this.running = this.drain()
      .catch((error: unknown) => this.logger.warn({ err: error }, 'alert dispatch round failed; will retry'))
      .finally(() => (this.running = undefined));
  }

  /** Sends every due delivery; returns when none is due. */
  async drain(): Promise<void> {
    while (!this.stopped && (await this.round()) > 0);
  }

  private round(): Promise<number> {
    return this.prisma.$transaction(
      async (tx) => {
        const due = await tx.$queryRawUnsafe<DueRow[]>(
          `SELECT d.id::text AS id, d.delivery_id, d.tenant_id, d.body, d.attempts, d.created_at, e.url, encode(e.signing_secret, 'base64') AS signing_secret
           FROM alert_deliveries d JOIN alert_endpoints e ON e.tenant_id = d.tenant_id
           WHERE d.status = 'pending' AND d.next_attempt_at <= now()
           ORDER BY d.next_attempt_at LIMIT $1 FOR UPDATE OF d SKIP LOCKED`,
          this.config.alerts.dispatchBatch,
        );
        // The POSTs go out together; their outcomes are written one after another,
        // because one transaction is one connection and pg runs one query at a time.
        const attempts = await Promise.all(due.map((row) => this.attempt(row)));
        for (const [i, row] of due.entries()) await this.record(tx, row, attempts[i]!);
        return due.length;
      },
      { maxWait: 10_000, timeout: this.config.alerts.timeoutMs + 30_000 },
    );
  }

  private async attempt(row: DueRow): Promise<{ result: AttemptResult; durationMs: number }> {
    const started = Date.now();
    const result = await this.post(row);
    return { result, durationMs: Date.now() - started };
  }

  private async record(tx: EventStoreTx, row: DueRow, { result, durationMs }: { result: AttemptResult; durationMs: number }): Promise<void> {
    const attempt = row.attempts + 1;
    const classified = classifyAttempt(result);
    const policy = { baseDelayMs: this.config.alerts.retryBaseMs, maxDelayMs: this.config.alerts.retryMaxDelayMs, giveUpAfterMs: this.config.alerts.giveUpAfterMs };
    const delay = classified === 'retry' ? nextAttemptDelayMs(policy, attempt, Date.now() - new Date(row.created_at).getTime(), Math.random()) : undefined;
    const outcome: Outcome = classified === 'retry' && delay === undefined ? 'gave_up' : classified;
    const statusCode = result.kind === 'response' ? result.status : null;
    const error = result.kind === 'network' ? result.message : result.kind === 'timeout' ? `timeout after ${this.config.alerts.timeoutMs} ms` : classified === 'delivered' ? null : `HTTP ${result.status}`;
    const status = outcome === 'delivered' ? 'delivered' : outcome === 'retry' ? 'pending' : 'failed';
    await tx.$executeRawUnsafe(
      `UPDATE alert_deliveries SET status = $2, attempts = $3, last_status_code = $4, last_error = $5,
         next_attempt_at = $6, finished_at = CASE WHEN $2 = 'pending' THEN NULL ELSE now() END WHERE id = $1::bigint`,
      row.id, status, attempt, statusCode, error, new Date(Date.now() + (delay ?? 0)),
    );
    await tx.$executeRawUnsafe(
      `INSERT INTO alert_delivery_attempts (delivery_id, tenant_id, attempt, outcome, status_code, error, duration_ms) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      row.delivery_id, row.tenant_id, attempt, outcome, statusCode, error, durationMs,
    );
    this.outcomes.inc({ outcome });
    const log = { tenant: row.tenant_id, deliveryId: row.delivery_id, attempt, outcome, statusCode, error, retryInMs: delay };
    if (outcome === 'delivered') this.logger.debug(log, 'alert delivered');
    else this.logger.warn(log, outcome === 'retry' ? 'alert delivery failed; will retry' : 'alert delivery given up');
  }

  private async post(row: DueRow): Promise<AttemptResult> {
    try {
      const secret = this.endpoints.open(row.tenant_id, Buffer.from(row.signing_secret, 'base64'));
      const response = await fetch(row.url, {
        method: 'POST',
        redirect: 'manual',
        signal: AbortSignal.timeout(this.config.alerts.timeoutMs),
        headers: {
          'content-type': 'application/json',
          'user-agent': 'wahooks-alerts/1',
          [SIGNATURE_HEADER]: signAlertBody(row.body, secret, Math.floor(Date.now() / 1000)),
          [DELIVERY_ID_HEADER]: row.delivery_id,
        },
        body: row.body,
      });
      await response.arrayBuffer().catch(() => undefined);
      return { kind: 'response', status: response.status };
    } catch (error) {
      if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) return { kind: 'timeout' };
      const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
      return { kind: 'network', message: `${error instanceof Error ? error.message : String(error)}${cause}`.slice(0, 500) };
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.running;
  }
}
