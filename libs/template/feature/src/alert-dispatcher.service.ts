import { Inject, Injectable, Logger } from '@nestjs/common';

import { AlertsConfig, alertsSection } from '@wahooks/config';
import { describeOutboundFailure, OutboundHttp } from '@wahooks/egress';
import type { EventStoreTx } from '@wahooks/event-store';
import { MetricsService } from '@wahooks/observability';
import { SqlTransactions } from '@wahooks/prisma';
import { BackgroundTask, UnrecordedOutcomes } from '@wahooks/worker';
import { attemptError, AttemptResult, classifyAttempt, DELIVERY_ID_HEADER, nextAttemptDelayMs, SIGNATURE_HEADER, signAlertBody } from '@wahooks/template-domain';

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

/** One delivery of a round, and how its POST went. */
interface PostedAlert {
  row: DueRow;
  result: AttemptResult;
  durationMs: number;
}

/**
 * Sends alert deliveries, on the polling worker. A round leases due rows in
 * one short transaction (replicas never send the same row at once), POSTs
 * them outside any transaction, then writes each result and its attempt log
 * in a second one; a write the database refuses is kept in memory and made
 * first in the next round, nothing posted again. A crash after the receiver's 2xx but before that commit
 * sends again, once the lease runs out, with the same delivery id, which
 * receivers use to deduplicate (at-least-once, like every webhook sender).
 * The POST goes through the egress agent (a URL that resolves to an
 * internal address is refused when connecting) and follows no redirect.
 * The attempt log keeps a category and the status code, what the tenant
 * sees; the error itself goes to our log only.
 */
@Injectable()
export class AlertDispatcher extends BackgroundTask {
  readonly name = 'alert-dispatch';
  readonly idleMs: number;
  private readonly logger = new Logger(AlertDispatcher.name);
  private readonly outcomes;
  /** Posted, but the database refused the outcome; their rows stay leased meanwhile. */
  private readonly unrecorded = new UnrecordedOutcomes<PostedAlert>();

  constructor(
    private readonly sql: SqlTransactions,
    private readonly endpoints: AlertEndpointRepository,
    private readonly outbound: OutboundHttp,
    @Inject(alertsSection.token) private readonly config: AlertsConfig,
    metrics: MetricsService,
  ) {
    super();
    this.idleMs = config.dispatchIntervalMs;
    this.outcomes = metrics.counter('wahooks_alert_delivery_attempts_total', 'Alert webhook attempts by outcome', ['outcome']);
  }

  /** Sends every due delivery; returns when none is due (tests and tools). */
  async drain(): Promise<void> {
    while ((await this.round()) > 0);
  }

  async round(): Promise<number> {
    // Posted in an earlier round, outcome refused by the database: written first, not posted again.
    const retried = await this.unrecorded.retry((done) => this.recordAll(done));
    if (retried > 0) return retried;
    // Longer than every attempt of the round (they run in parallel, each bounded by the timeout).
    const leaseMs = this.config.timeoutMs * 2 + 30_000;
    const due = await this.sql.run((tx) =>
      tx.$queryRawUnsafe<DueRow[]>(
        `WITH due AS (
           SELECT d.id FROM alert_deliveries d
           WHERE d.status = 'pending' AND d.next_attempt_at <= now()
           ORDER BY d.next_attempt_at LIMIT $1 FOR UPDATE OF d SKIP LOCKED
         ),
         leased AS (
           UPDATE alert_deliveries d SET next_attempt_at = now() + ($2::int * interval '1 millisecond')
           FROM due WHERE d.id = due.id
           RETURNING d.id, d.delivery_id, d.tenant_id, d.body, d.attempts, d.created_at
         )
         SELECT l.id::text AS id, l.delivery_id, l.tenant_id, l.body, l.attempts, l.created_at, e.url, encode(e.signing_secret, 'base64') AS signing_secret
         FROM leased l JOIN alert_endpoints e ON e.tenant_id = l.tenant_id`,
        this.config.dispatchBatch,
        leaseMs,
      ),
    );
    if (due.length === 0) return 0;
    const attempts = await Promise.all(due.map(async (row) => ({ row, ...(await this.attempt(row)) })));
    await this.unrecorded.record(attempts, (done) => this.recordAll(done));
    return due.length;
  }

  /** One transaction is one connection, and pg runs one query at a time on it: outcomes are written one after another. */
  private async recordAll(done: PostedAlert[]): Promise<void> {
    await this.sql.run(async (tx) => {
      for (const { row, ...attempt } of done) await this.record(tx, row, attempt);
    });
  }

  private async attempt(row: DueRow): Promise<{ result: AttemptResult; durationMs: number }> {
    const started = Date.now();
    const result = await this.post(row);
    return { result, durationMs: Date.now() - started };
  }

  private async record(tx: EventStoreTx, row: DueRow, { result, durationMs }: { result: AttemptResult; durationMs: number }): Promise<void> {
    const attempt = row.attempts + 1;
    const classified = classifyAttempt(result);
    const policy = { baseDelayMs: this.config.retryBaseMs, maxDelayMs: this.config.retryMaxDelayMs, giveUpAfterMs: this.config.giveUpAfterMs };
    const delay = classified === 'retry' ? nextAttemptDelayMs(policy, attempt, Date.now() - new Date(row.created_at).getTime(), Math.random()) : undefined;
    const outcome: Outcome = classified === 'retry' && delay === undefined ? 'gave_up' : classified;
    const statusCode = result.kind === 'response' ? result.status : null;
    const error = attemptError(result);
    const status = outcome === 'delivered' ? 'delivered' : outcome === 'retry' ? 'pending' : 'failed';
    // Only a pending row is updated: a dispatcher that raced past the lease finds it finished and changes nothing.
    await tx.$executeRawUnsafe(
      `UPDATE alert_deliveries SET status = $2, attempts = $3, last_status_code = $4, last_error = $5,
         next_attempt_at = $6, finished_at = CASE WHEN $2 = 'pending' THEN NULL ELSE now() END WHERE id = $1::bigint AND status = 'pending'`,
      row.id, status, attempt, statusCode, error, new Date(Date.now() + (delay ?? 0)),
    );
    await tx.$executeRawUnsafe(
      `INSERT INTO alert_delivery_attempts (delivery_id, tenant_id, attempt, outcome, status_code, error, duration_ms) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      row.delivery_id, row.tenant_id, attempt, outcome, statusCode, error, durationMs,
    );
    this.outcomes.inc({ outcome });
    const detail = result.kind === 'network' || result.kind === 'refused' ? result.message : result.kind === 'timeout' ? `no answer within ${this.config.timeoutMs} ms` : undefined;
    const log = { tenant: row.tenant_id, deliveryId: row.delivery_id, attempt, outcome, statusCode, error, detail, retryInMs: delay };
    if (outcome === 'delivered') this.logger.debug(log, 'alert delivered');
    else this.logger.warn(log, outcome === 'retry' ? 'alert delivery failed; will retry' : 'alert delivery given up');
  }

  private async post(row: DueRow): Promise<AttemptResult> {
    try {
      const secret = this.endpoints.open(row.tenant_id, Buffer.from(row.signing_secret, 'base64'));
      const response = await this.outbound.fetch(row.url, {
        method: 'POST',
        redirect: 'manual',
        signal: AbortSignal.timeout(this.config.timeoutMs),
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
      const failure = describeOutboundFailure(error);
      if (failure.category === 'timeout') return { kind: 'timeout' };
      return { kind: failure.category === 'refused-by-egress-policy' ? 'refused' : 'network', message: failure.detail };
    }
  }
}
