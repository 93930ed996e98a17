import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';

import { SmsDispatcher, UndeliveredScanner } from '@wahooks/fallback-feature';
import { BatchingProducer, KafkaHealthProbe } from '@wahooks/kafka';
import { OutboxRelay } from '@wahooks/outbox';

import { OUTBOX_PRODUCER } from './kafka.providers';

/** Starts the outbox relay, the SMS dispatcher and the time-based scanner; stops them after the consumer has drained. */
@Injectable()
export class BackgroundWork implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    private readonly relay: OutboxRelay,
    private readonly dispatcher: SmsDispatcher,
    private readonly scanner: UndeliveredScanner,
    private readonly probe: KafkaHealthProbe,
    @Inject(OUTBOX_PRODUCER) private readonly producer: BatchingProducer,
  ) {}

  onApplicationBootstrap(): void {
    this.producer.connect().catch(() => undefined);
    this.relay.start(this.producer);
    this.dispatcher.start();
    this.scanner.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.scanner.onApplicationShutdown();
    await this.dispatcher.onApplicationShutdown();
    await this.relay.onApplicationShutdown();
    await this.relay.drain().catch(() => undefined);
    await this.producer.close();
    await this.probe.close();
  }
}
