import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';

import { BatchingProducer, KafkaHealthProbe } from '@wahooks/kafka';
import { OutboxRelay } from '@wahooks/outbox';
import { StallDetector } from '@wahooks/status-feature';

import { OUTBOX_PRODUCER } from './kafka.providers';

/** Starts the outbox relay and the stall detector; stops them after the consumer has drained. */
@Injectable()
export class BackgroundWork implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    private readonly relay: OutboxRelay,
    private readonly stalls: StallDetector,
    private readonly probe: KafkaHealthProbe,
    @Inject(OUTBOX_PRODUCER) private readonly producer: BatchingProducer,
  ) {}

  onApplicationBootstrap(): void {
    this.producer.connect().catch(() => undefined);
    this.relay.start(this.producer);
    this.stalls.start();
  }

  async onApplicationShutdown(): Promise<void> {
    // Stop after the round in flight; rows not yet published stay in the
    // outbox for the next start (or another replica), so shutdown stays short.
    await this.relay.onApplicationShutdown();
    await this.stalls.onApplicationShutdown();
    await this.producer.close();
    await this.probe.close();
  }
}
