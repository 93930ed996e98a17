import { performance } from 'node:perf_hooks';

import { attempt, signLikeMeta, sleep } from './http';
import type { Delivery, Plan } from './plan.types';

export interface SendOptions {
  intakeUrl: string;
  statusProjectorUrl: string;
  /** POSTs started per second (open loop: due times do not wait for answers). */
  rate: number;
  timeoutMs: number;
  /** Meta gives up on a delivery after days; the simulator after this long. */
  giveUpAfterMs: number;
  apiKeys: Map<string, string>;
  /** The platform Meta app's secret (the intake's PLATFORM_APP_SECRETS): signs platform-URL deliveries. */
  platformSecret: string | undefined;
  log: (line: string) => void;
  /**
   * What `rate` paces: every delivery (default), or only the POSTs to the
   * intake (`webhooks`: webhook and platform-URL deliveries), a send
   * acknowledgement (accepted) going out with the webhook due next.
   */
  pace?: 'all' | 'webhooks';
  /** performance.now() at which the first delivery is due (default: when called). */
  startAt?: number;
  /** Called once per delivery when it is settled (answered 2xx, dropped or given up on). */
  onSettled?: (d: Delivery, s: Settled) => void;
}

/** One delivery's times (performance.now() ms) and attempts. */
export interface Settled {
  /** When it was due by the schedule: latency measured from here has no coordinated omission. */
  dueAt: number;
  /** When its first attempt started (later than due when the sender itself fell behind). */
  sentAt: number;
  settledAt: number;
  attempts: number;
  outcome: 'acked' | 'dropped' | 'gave-up';
  /** The attempts not answered 2xx, as `outcomes` labels them (status code, `timeout`, `network:<code>`). */
  failed: string[];
}

export interface Failure {
  seq: number;
  kind: Delivery['kind'];
  tenantId: string;
  last: string;
}

export interface SendReport {
  deliveries: number;
  delivered: number;
  attempts: number;
  retries: number;
  /** Answers by status code, and `timeout` / `network:<code>` for the rest. */
  outcomes: Record<string, number>;
  /** 4xx: Meta drops these for good (a valid delivery refused is lost). */
  dropped: Failure[];
  /** Still failing when `giveUpAfterMs` ran out. */
  gaveUp: Failure[];
  durationMs: number;
  maxInFlight: number;
}

/** Meta retries at once, then with decreasing frequency (no schedule is published). */
export const backoffMs = (retry: number): number => (retry === 1 ? 200 : Math.min(30_000, 500 * 2 ** (retry - 2)));

/** Each delivery's due time (ms after the start) at `rate`, pacing every delivery or only the intake's. */
export function dueTimes(deliveries: readonly Delivery[], rate: number, pace: 'all' | 'webhooks' = 'all'): number[] {
  const intervalMs = 1000 / rate;
  let webhooks = 0;
  return deliveries.map((d, i) => {
    if (pace === 'all') return i * intervalMs;
    if (d.kind === 'accepted') return webhooks * intervalMs;
    return webhooks++ * intervalMs;
  });
}

/**
 * Sends the plan's deliveries at a fixed arrival rate, delivery i due at
 * start + i/rate whether or not earlier ones were answered (or, with `pace:
 * 'webhooks'`, the i-th POST to the intake), and behaves like Meta on
 * failure: 2xx done, 4xx dropped, 5xx / timeout / network error retried with
 * backoff until `giveUpAfterMs`.
 */
export async function sendPlan(plan: Plan, o: SendOptions): Promise<SendReport> {
  const secrets = new Map(plan.tenants.map((t) => [t.id, t.secret]));
  if (!o.platformSecret && plan.deliveries.some((d) => d.kind === 'platform')) throw new Error('the plan has platform-URL deliveries: give the platform app secret (--platform-secret or PLATFORM_APP_SECRETS)');
  const report: SendReport = { deliveries: plan.deliveries.length, delivered: 0, attempts: 0, retries: 0, outcomes: {}, dropped: [], gaveUp: [], durationMs: 0, maxInFlight: 0 };
  let inFlight = 0;
  const start = o.startAt ?? performance.now();
  const due = dueTimes(plan.deliveries, o.rate, o.pace);

  const deliver = async (d: Delivery, dueAt: number): Promise<void> => {
    const sentAt = performance.now();
    const failed: string[] = [];
    const settle = (attempts: number, outcome: Settled['outcome']): void => o.onSettled?.(d, { dueAt, sentAt, settledAt: performance.now(), attempts, outcome, failed });
    const url = d.kind === 'webhook' ? `${o.intakeUrl}/webhooks/whatsapp/${d.tenantId}` : d.kind === 'platform' ? `${o.intakeUrl}/webhooks/whatsapp` : `${o.statusProjectorUrl}/v1/messages/accepted`;
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (d.kind === 'webhook') headers['x-hub-signature-256'] = signLikeMeta(d.body, secrets.get(d.tenantId) ?? '');
    else if (d.kind === 'platform') headers['x-hub-signature-256'] = signLikeMeta(d.body, o.platformSecret ?? '');
    else headers['x-api-key'] = o.apiKeys.get(d.tenantId) ?? '';
    const firstAt = Date.now();
    for (let retry = 0; ; retry++) {
      if (retry > 0) {
        report.retries++;
        await sleep(backoffMs(retry));
      }
      report.attempts++;
      const r = await attempt(url, { method: 'POST', headers, body: d.body }, o.timeoutMs);
      const label = r.kind === 'response' ? String(r.status) : r.kind === 'timeout' ? 'timeout' : `network:${r.message}`;
      report.outcomes[label] = (report.outcomes[label] ?? 0) + 1;
      if (r.kind === 'response' && r.status >= 200 && r.status < 300) {
        report.delivered++;
        settle(retry + 1, 'acked');
        return;
      }
      failed.push(label);
      const last = r.kind === 'response' ? `${r.status} ${r.text.slice(0, 300)}` : label;
      if (r.kind === 'response' && r.status >= 400 && r.status < 500) {
        report.dropped.push({ seq: d.seq, kind: d.kind, tenantId: d.tenantId, last });
        o.log(`dropped delivery ${d.seq} (${d.kind}, ${d.tenantId}): ${last}`);
        settle(retry + 1, 'dropped');
        return;
      }
      if (Date.now() - firstAt > o.giveUpAfterMs) {
        report.gaveUp.push({ seq: d.seq, kind: d.kind, tenantId: d.tenantId, last });
        o.log(`gave up on delivery ${d.seq} after ${retry + 1} attempts: ${last}`);
        settle(retry + 1, 'gave-up');
        return;
      }
    }
  };

  const pending: Array<Promise<void>> = [];
  let next = 0;
  let lastLog = performance.now();
  while (next < plan.deliveries.length) {
    const elapsed = performance.now() - start;
    while (next < plan.deliveries.length && (due[next] as number) <= elapsed) {
      const d = plan.deliveries[next] as Delivery;
      inFlight++;
      report.maxInFlight = Math.max(report.maxInFlight, inFlight);
      pending.push(deliver(d, start + (due[next] as number)).finally(() => inFlight--));
      next++;
    }
    if (performance.now() - lastLog > 5000) {
      lastLog = performance.now();
      o.log(`sent ${next}/${plan.deliveries.length} POSTs, ${report.delivered} acknowledged, ${inFlight} in flight or retrying, ${report.retries} retries`);
    }
    if (next < plan.deliveries.length) await sleep(Math.max(1, Math.min(50, start + (due[next] as number) - performance.now())));
  }
  await Promise.all(pending);
  report.durationMs = Math.round(performance.now() - start);
  return report;
}
