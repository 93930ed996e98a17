import autocannon from 'autocannon';

import { SignedPayload } from '../payloads';
import { LatencyRecorder, LoadResult } from './stats';

export interface AutocannonRun {
  url: string;
  path: string;
  payloads: SignedPayload[];
  connections: number;
  durationS: number;
  /** Requests per second across all connections (autocannon's overallRate); absent: as fast as possible. */
  overallRate?: number;
}

/**
 * One autocannon run replaying the signed bodies in turn on every connection.
 * Latencies come from autocannon's per-response event (fractional ms)
 * rather than its histogram, which keeps whole milliseconds and, in rate
 * mode, "corrects" with an expected interval of Math.ceil(1 / rate) = 1 ms.
 */
export function runAutocannon(run: AutocannonRun): Promise<LoadResult> {
  const requests = run.payloads.map((p) => ({
    method: 'POST',
    path: run.path,
    headers: { 'content-type': 'application/json', 'x-hub-signature-256': p.signature },
    body: p.body,
  }));
  const latencies = new LatencyRecorder();
  return new Promise<LoadResult>((resolve, reject) => {
    const instance = autocannon(
      {
        url: run.url,
        connections: run.connections,
        duration: run.durationS,
        pipelining: 1,
        timeout: 10,
        requests,
        ...(run.overallRate ? { overallRate: run.overallRate } : {}),
      },
      (error, result) => {
        if (error) return reject(error);
        const ok = result['2xx'];
        const statusCounts = Object.fromEntries(Object.entries(result.statusCodeStats).map(([code, s]) => [code, s.count]));
        const completed = Object.values(statusCounts).reduce((a, b) => a + b, 0);
        resolve({
          generator: 'autocannon',
          mode: run.overallRate ? 'rate' : 'max',
          connections: run.overallRate ? Math.min(run.connections, run.overallRate) : run.connections,
          durationS: result.duration,
          ...(run.overallRate ? { offeredRate: run.overallRate } : {}),
          sent: result.requests.sent,
          completed,
          ok,
          non2xx: result.non2xx,
          errors: result.errors,
          okPerSec: ok / result.duration,
          latencyMs: latencies.summary(),
          statusCounts,
        });
      },
    );
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      if (statusCode >= 200 && statusCode < 300) latencies.record(responseTime);
    });
  });
}
