import { BeforeApplicationShutdown, Controller, Get, Inject } from '@nestjs/common';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';

import { ConsumerHealth } from '@wahooks/consumer-runtime';
import { KafkaHealthProbe } from '@wahooks/kafka';
import { PrismaService } from '@wahooks/prisma';

import { CONSUMER_HEALTH } from './kafka.providers';

const CHECK_TIMEOUT_MS = 1500;

/** Liveness has no dependencies; readiness checks the broker, the database and the consumer. */
@Controller('health')
export class HealthController implements BeforeApplicationShutdown {
  private draining = false;

  constructor(
    private readonly health: HealthCheckService,
    private readonly indicator: HealthIndicatorService,
    private readonly kafka: KafkaHealthProbe,
    private readonly prisma: PrismaService,
    @Inject(CONSUMER_HEALTH) private readonly consumer: ConsumerHealth,
  ) {}

  beforeApplicationShutdown(): void {
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
      () =>
        this.indicator.check('shutdown').attempt(() => {
          if (this.draining) throw new Error('draining');
        }),
      () => this.indicator.check('kafka').attempt(() => this.kafka.check()).withTimeout(CHECK_TIMEOUT_MS),
      () => this.indicator.check('database').attempt(() => this.prisma.ping()).withTimeout(CHECK_TIMEOUT_MS),
      () =>
        this.indicator.check('consumer').attempt(() => {
          const snapshot = this.consumer.snapshot();
          if (!this.consumer.ready) throw Object.assign(new Error(`consumer ${snapshot.state}`), snapshot);
          return { ...snapshot };
        }),
    ]);
  }
}
