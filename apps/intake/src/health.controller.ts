import { BeforeApplicationShutdown, Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';

import { KafkaHealthProbe } from '@wahooks/kafka';
import { PrismaService } from '@wahooks/prisma';

const CHECK_TIMEOUT_MS = 1500;

/** Liveness has no dependencies; readiness checks the broker and the database, with timeouts. */
@Controller('health')
export class HealthController implements BeforeApplicationShutdown {
  private draining = false;

  constructor(
    private readonly health: HealthCheckService,
    private readonly indicator: HealthIndicatorService,
    private readonly kafka: KafkaHealthProbe,
    private readonly prisma: PrismaService,
  ) {}

  beforeApplicationShutdown(): void {
    // Leave the load balancer first, then drain.
    this.draining = true;
  }

  @Get('live')
  @HealthCheck()
  live() {
    return this.health.check([]);
  }

  @Get('ready')
  @HealthCheck()
  ready() {
    return this.health.check([
      () => this.indicator.check('shutdown').attempt(() => {
        if (this.draining) throw new Error('draining');
      }),
      () => this.indicator.check('kafka').attempt(() => this.kafka.check()).withTimeout(CHECK_TIMEOUT_MS),
      () => this.indicator.check('database').attempt(() => this.prisma.ping()).withTimeout(CHECK_TIMEOUT_MS),
    ]);
  }
}
