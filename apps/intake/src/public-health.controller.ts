import { BeforeApplicationShutdown, Controller, Get, ServiceUnavailableException } from '@nestjs/common';

import { Readiness } from '@wahooks/observability';

type Status = { status: 'ok' };

/**
 * The Meta-facing port's probes: the status and nothing else (200
 * `{"status":"ok"}` or 503 `{"status":"error"}`). Which dependency is down,
 * tenant counts and error messages are for the private port (health.controller.ts).
 */
@Controller('health')
export class PublicHealthController implements BeforeApplicationShutdown {
  constructor(private readonly readiness: Readiness) {}

  /** Both ports share the Readiness: from here on both answer 503, before the drain. */
  beforeApplicationShutdown(): void {
    this.readiness.startDraining();
  }

  @Get('live')
  live(): Status {
    return { status: 'ok' };
  }

  @Get('ready')
  async ready(): Promise<Status> {
    try {
      await this.readiness.ready();
    } catch {
      throw new ServiceUnavailableException({ status: 'error' });
    }
    return { status: 'ok' };
  }
}
