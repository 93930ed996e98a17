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

/**
 * Sends the plan's deliveries at a fixed arrival rate, delivery i due at
 * start + i/rate whether or not earlier ones were answered, and behaves like
 * Meta on failure: 2xx done, 4xx dropped, 5xx / timeout / network error
 * retried with backoff until `giveUpAfterMs`.
 */
export async function sendPlan(plan: Plan, o: SendOptions): Promise<SendReport> {
  const secrets = new Map(plan.tenants.map((t) => [t.id, t.secret]));
  if (!o.platformSecret && plan.deliveries.some((d) => d.kind === 'platform')) throw new Error('the plan has platform-URL deliveries: give the platform app secret (--platform-secret or PLATFORM_APP_SECRETS)');
  const report: SendReport = { deliveries: plan.deliveries.length, delivered: 0, attempts: 0, retries: 0, outcomes: {}, dropped: [], gaveUp: [], durationMs: 0, maxInFlight: 0 };
  let inFlight = 0;
  const start = performance.now();

  const deliver = async (d: Delivery): Promise<void> => {
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
        return;
      }
      const last = r.kind === 'response' ? `${r.status} ${r.text.slice(0, 300)}` : label;
      if (r.kind === 'response' && r.status >= 400 && r.status < 500) {
        report.dropped.push({ seq: d.seq, kind: d.kind, tenantId: d.tenantId, last });
        o.log(`dropped delivery ${d.seq} (${d.kind}, ${d.tenantId}): ${last}`);
        return;
      }
      if (Date.now() - firstAt > o.giveUpAfterMs) {
        report.gaveUp.push({ seq: d.seq, kind: d.kind, tenantId: d.tenantId, last });
        o.log(`gave up on delivery ${d.seq} after ${retry + 1} attempts: ${last}`);
        return;
      }
    }
  };

  const pending: Array<Promise<void>> = [];
  const intervalMs = 1000 / o.rate;
  let next = 0;
  let lastLog = performance.now();
  while (next < plan.deliveries.length) {
    const due = Math.min(plan.deliveries.length, Math.floor((performance.now() - start) / intervalMs) + 1);
    while (next < due) {
      const d = plan.deliveries[next++] as Delivery;
      inFlight++;
      report.maxInFlight = Math.max(report.maxInFlight, inFlight);
      pending.push(deliver(d).finally(() => inFlight--));
    }
    if (performance.now() - lastLog > 5000) {
      lastLog = performance.now();
      o.log(`sent ${next}/${plan.deliveries.length} POSTs, ${report.delivered} acknowledged, ${inFlight} in flight or retrying, ${report.retries} retries`);
    }
    await sleep(Math.max(1, Math.min(50, start + next * intervalMs - performance.now())));
  }
  await Promise.all(pending);
  report.durationMs = Math.round(performance.now() - start);
  return report;
}
