import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';

import { BatchingProducer } from '@wahooks/kafka';
import { MetricsService } from '@wahooks/observability';
import { OutboxRelay } from '@wahooks/outbox';
import type { BackgroundTask } from '@wahooks/worker';

import { ConsumerServiceSpec } from './service-spec';
import { TableStats } from './table-stats';
import { OUTBOX_PRODUCER, SERVICE_SPEC } from './tokens';

/**
 * Starts the outbox relay and the service's background tasks (each on a
 * PollingWorker) once the app is up, and stops them on shutdown, after the
 * consumer has finished its batch (Nest closes the microservice before the
 * application-shutdown hooks run). Unpublished outbox rows and undone work
 * stay for the next start or another replica, so shutdown stays short.
 */
@Injectable()
export class BackgroundWork implements OnApplicationBootstrap, OnApplicationShutdown {
  private tasks: BackgroundTask[] = [];

  constructor(
    private readonly moduleRef: ModuleRef,
    private readonly relay: OutboxRelay,
    private readonly metrics: MetricsService,
    @Inject(OUTBOX_PRODUCER) private readonly producer: BatchingProducer,
    @Inject(SERVICE_SPEC) private readonly spec: ConsumerServiceSpec,
    private readonly tableStats: TableStats,
  ) {}

  onApplicationBootstrap(): void {
    this.producer.connect().catch(() => undefined);
    this.relay.startWith(this.producer);
    this.tasks = [this.tableStats, ...(this.spec.workers ?? []).map((type) => this.moduleRef.get<BackgroundTask>(type, { strict: false }))];
    for (const task of this.tasks) task.start(this.metrics);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.relay.stop();
    for (const task of this.tasks) await task.stop();
  }
}
