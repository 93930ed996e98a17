import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';

import { SignedPayload } from '../payloads';
import { LatencyRecorder, LoadResult } from './stats';

export interface PacedRun {
  url: string;
  path: string;
  payloads: SignedPayload[];
  rate: number;
  durationS: number;
  /** Keep-alive sockets at most; requests beyond wait for one (and that wait counts as latency). */
  maxSockets: number;
}

/**
 * Open-loop load at a fixed arrival rate: request i is due at start + i/rate
 * whether or not earlier ones were answered (as Meta's deliveries arrive),
 * and its latency is measured from that due time, so a stall of the target
 * is charged to every request that should have been sent during it (no
 * coordinated omission). autocannon's overallRate, by contrast, lets every
 * connection send its per-second quota back to back at the start of each
 * second and then idle: bursts, not a rate.
 */
export async function runPaced(run: PacedRun): Promise<LoadResult> {
  const target = new URL(run.url);
  const agent = new Agent({ keepAlive: true, maxSockets: run.maxSockets });
  const prepared = run.payloads.map((p) => ({
    body: p.body,
    headers: { 'content-type': 'application/json', 'content-length': String(p.body.length), 'x-hub-signature-256': p.signature },
  }));
  const latencies = new LatencyRecorder();
  const lags = new LatencyRecorder();
  const statusCounts: Record<string, number> = {};
  const total = Math.max(1, Math.round(run.rate * run.durationS));
  const intervalMs = 1000 / run.rate;
  let sent = 0;
  let settled = 0;
  let ok = 0;
  let errors = 0;
  let onAllSettled: () => void = () => undefined;
  const allSettled = new Promise<void>((r) => (onAllSettled = r));

  const settle = (): void => {
    settled += 1;
    if (settled === total) onAllSettled();
  };

  const fire = (index: number, dueAt: number): void => {
    const p = prepared[index % prepared.length]!;
    lags.record(Math.max(0, performance.now() - dueAt));
    const req = request(
      { agent, host: target.hostname, port: target.port, method: 'POST', path: run.path, headers: p.headers, timeout: 10_000 },
      (res) => {
        res.resume();
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          statusCounts[status] = (statusCounts[status] ?? 0) + 1;
          if (status >= 200 && status < 300) {
            ok += 1;
            latencies.record(performance.now() - dueAt);
          }
          settle();
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error('request timed out')));
    req.on('error', () => {
      errors += 1;
      settle();
    });
    req.end(p.body);
  };

  const start = performance.now();
  await new Promise<void>((resolve) => {
    const tick = (): void => {
      const due = Math.min(total, Math.floor((performance.now() - start) / intervalMs) + 1);
      while (sent < due) {
        fire(sent, start + sent * intervalMs);
        sent += 1;
      }
      if (sent < total) setTimeout(tick, Math.max(0, Math.min(1, start + sent * intervalMs - performance.now())));
      else resolve();
    };
    tick();
  });
  const sendWindowS = (performance.now() - start) / 1000;
  await allSettled;
  agent.destroy();
  const durationS = Math.max(run.durationS, sendWindowS);
  return {
    generator: 'paced',
    mode: 'rate',
    connections: run.maxSockets,
    durationS,
    offeredRate: run.rate,
    sent,
    completed: total - errors,
    ok,
    non2xx: total - errors - ok,
    errors,
    okPerSec: ok / durationS,
    latencyMs: latencies.summary(),
    sendLagMs: lags.summary(),
    statusCounts,
  };
}
