import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';

import { BatchingProducer, KafkaHealthProbe } from '@wahooks/kafka';
import { OutboxRelay } from '@wahooks/outbox';
import { AlertDispatcher } from '@wahooks/template-feature';

import { OUTBOX_PRODUCER } from './kafka.providers';

/** Starts the outbox relay and the alert dispatcher; stops them after the consumer has drained. */
@Injectable()
export class BackgroundWork implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    private readonly relay: OutboxRelay,
    private readonly dispatcher: AlertDispatcher,
    private readonly probe: KafkaHealthProbe,
    @Inject(OUTBOX_PRODUCER) private readonly producer: BatchingProducer,
  ) {}

  onApplicationBootstrap(): void {
    this.producer.connect().catch(() => undefined);
    this.relay.start(this.producer);
    this.dispatcher.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.relay.onApplicationShutdown();
    // The attempt in flight finishes and is recorded; due rows wait for the next process.
    await this.dispatcher.onApplicationShutdown();
    await this.relay.drain().catch(() => undefined);
    await this.producer.close();
    await this.probe.close();
  }
}
