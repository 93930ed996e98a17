import { BeforeApplicationShutdown, Controller, Get, Inject } from '@nestjs/common';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';

import { ConsumerHealth } from '@wahooks/consumer-runtime';
import { KafkaHealthProbe } from '@wahooks/kafka';
import { Readiness } from '@wahooks/observability';
import { PrismaService } from '@wahooks/prisma';

import { CONSUMER_HEALTH } from './tokens';

/** Readiness of a consumer service: the broker, the database, and the consumer holding its partitions. */
@Controller('health')
export class ConsumerHealthController implements BeforeApplicationShutdown {
  private readonly readiness: Readiness;

  constructor(
    health: HealthCheckService,
    indicator: HealthIndicatorService,
    kafka: KafkaHealthProbe,
    prisma: PrismaService,
    @Inject(CONSUMER_HEALTH) consumer: ConsumerHealth,
  ) {
    this.readiness = new Readiness(health, indicator, [
      { name: 'kafka', check: () => kafka.check(), timeoutMs: 1500 },
      { name: 'database', check: () => prisma.ping(), timeoutMs: 1500 },
      {
        name: 'consumer',
        check: () => {
          const snapshot = consumer.snapshot();
          if (!consumer.ready) throw Object.assign(new Error(`consumer ${snapshot.state}`), snapshot);
          return { ...snapshot };
        },
      },
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
