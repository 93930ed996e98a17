import { HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';

/** One dependency readiness depends on; throws (or rejects) when it is not usable. */
export interface ReadinessProbe {
  name: string;
  check: () => Promise<unknown> | unknown;
  /** Probes that do I/O get a bound, so a hung dependency answers "down" instead of hanging the probe. */
  timeoutMs?: number;
  /**
   * Reported, never decisive: the pod stays ready when it fails (the
   * intake serves from its tenant snapshot while the database is away).
   */
  informational?: boolean;
}

/**
 * The health endpoints every app serves, in one place: liveness checks
 * nothing (a restart cures none of our dependencies' outages), readiness
 * checks each probe with its timeout and turns down as soon as shutdown
 * starts, so the load balancer stops sending before the drain.
 */
export class Readiness {
  private draining = false;

  constructor(
    private readonly health: HealthCheckService,
    private readonly indicator: HealthIndicatorService,
    private readonly probes: ReadinessProbe[],
  ) {}

  startDraining(): void {
    this.draining = true;
  }

  live() {
    return this.health.check([]);
  }

  ready() {
    const draining: ReadinessProbe = {
      name: 'shutdown',
      check: () => {
        if (this.draining) throw new Error('draining');
      },
    };
    return this.health.check(
      [draining, ...this.probes].map((p) => () => {
        const check = p.informational ? () => informationally(p) : async () => (await p.check()) as Record<string, unknown> | void;
        const attempt = this.indicator.check(p.name).attempt(check);
        return p.timeoutMs && !p.informational ? attempt.withTimeout(p.timeoutMs) : attempt;
      }),
    );
  }
}

async function informationally(p: ReadinessProbe): Promise<Record<string, unknown>> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${p.timeoutMs ?? 1500} ms`)), p.timeoutMs ?? 1500);
    });
    const result = (await Promise.race([Promise.resolve(p.check()), timeout])) as Record<string, unknown> | void;
    return { informational: true, reachable: true, ...(result ?? {}) };
  } catch (error) {
    return { informational: true, reachable: false, error: error instanceof Error ? error.message : String(error) };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Graceful shutdown is bounded: if draining (in-flight requests, the batch in
 * flight, outbox flush) has not finished `graceMs` after SIGTERM, the process
 * exits anyway instead of hanging until Kubernetes sends SIGKILL.
 */
export function installShutdownDeadline(graceMs: number, log: (message: string) => void): void {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      setTimeout(() => {
        log(`shutdown did not finish within ${graceMs} ms; exiting`);
        process.exit(1);
      }, graceMs).unref();
    });
  }
}
