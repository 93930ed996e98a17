import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';

import { BatchingProducer } from '@wahooks/kafka';
import { OutboxRelay } from '@wahooks/outbox';

import { ConsumerServiceSpec } from './service-spec';
import { OUTBOX_PRODUCER, SERVICE_SPEC } from './tokens';

/** A loop a service runs beside its consumer (dispatcher, scanner…). */
export interface BackgroundWorker {
  start(): void;
  /** Lets the round in flight finish; what is left waits for the next process. */
  onApplicationShutdown(): Promise<void>;
}

/**
 * Starts the outbox relay and the service's workers once the app is up, and
 * stops them on shutdown, after the consumer has finished its batch (Nest
 * closes the microservice before the application-shutdown hooks run).
 * Unpublished outbox rows stay for the next start or another replica, so
 * shutdown stays short.
 */
@Injectable()
export class BackgroundWork implements OnApplicationBootstrap, OnApplicationShutdown {
  private workers: BackgroundWorker[] = [];

  constructor(
    private readonly moduleRef: ModuleRef,
    private readonly relay: OutboxRelay,
    @Inject(OUTBOX_PRODUCER) private readonly producer: BatchingProducer,
    @Inject(SERVICE_SPEC) private readonly spec: ConsumerServiceSpec,
  ) {}

  onApplicationBootstrap(): void {
    this.producer.connect().catch(() => undefined);
    this.relay.start(this.producer);
    this.workers = (this.spec.workers ?? []).map((type) => this.moduleRef.get(type, { strict: false }));
    for (const worker of this.workers) worker.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.relay.onApplicationShutdown();
    for (const worker of this.workers) await worker.onApplicationShutdown();
  }
}
