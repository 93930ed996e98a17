import { BeforeApplicationShutdown, Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';

import { KafkaHealthProbe } from '@wahooks/kafka';
import { Readiness } from '@wahooks/observability';
import { PrismaService } from '@wahooks/prisma';

/** Readiness: the broker and the database, 1.5 s each. */
@Controller('health')
export class HealthController implements BeforeApplicationShutdown {
  private readonly readiness: Readiness;

  constructor(health: HealthCheckService, indicator: HealthIndicatorService, kafka: KafkaHealthProbe, prisma: PrismaService) {
    this.readiness = new Readiness(health, indicator, [
      { name: 'kafka', check: () => kafka.check(), timeoutMs: 1500 },
      { name: 'database', check: () => prisma.ping(), timeoutMs: 1500 },
    ]);
  }

  beforeApplicationShutdown(): void {
    this.readiness.startDraining();
  }

  @Get('live')
  @HealthCheck()
  live() {
    return this.readiness.live();
  }

  @Get('ready')
  @HealthCheck()
  ready() {
    return this.readiness.ready();
  }
}
