import { DynamicModule, Inject, Module, OnApplicationShutdown, Provider } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import type { Logger } from 'pino';

import { ConfigModule, ConsumerConfig, consumerSection, KafkaConfig, kafkaSection } from '@wahooks/config';
import { ConsumerHealth } from '@wahooks/consumer-runtime';
import { BatchingProducer, KafkaClients, KafkaHealthProbe } from '@wahooks/kafka';
import { ObservabilityModule, ROOT_LOGGER } from '@wahooks/observability';
import { OutboxModule } from '@wahooks/outbox';
import { PrismaModule } from '@wahooks/prisma';

import { BackgroundWork } from './background-work';
import { TableStats } from './table-stats';
import { ConsumerServiceConfig, consumerServiceSections } from './consumer-config';
import { ConsumerHealthController } from './consumer-health.controller';
import { ConsumerServiceSpec } from './service-spec';
import { CONSUMER_HEALTH, KAFKA, OUTBOX_PRODUCER, SERVICE_SPEC } from './tokens';

function kafkaProviders(spec: ConsumerServiceSpec): Provider[] {
  return [
    { provide: SERVICE_SPEC, useValue: spec },
    {
      provide: KAFKA,
      inject: [kafkaSection.token, ROOT_LOGGER],
      useFactory: (kafka: KafkaConfig, logger: Logger) => new KafkaClients(kafka, logger, spec.name),
    },
    // The outbox producer is this process's writing connection: readiness asks the broker through it.
    { provide: KafkaHealthProbe, inject: [OUTBOX_PRODUCER], useFactory: (producer: BatchingProducer) => new KafkaHealthProbe(producer) },
    {
      provide: CONSUMER_HEALTH,
      inject: [consumerSection.token],
      useFactory: (consumer: ConsumerConfig) => new ConsumerHealth(consumer.groupId ?? spec.defaultGroupId),
    },
    {
      provide: OUTBOX_PRODUCER,
      inject: [KAFKA],
      useFactory: (kafka: KafkaClients): BatchingProducer => kafka.producer('outbox', { lingerMs: 0, maxBatch: 500, publishTimeoutMs: 10_000 }),
    },
  ];
}

/** Closes what the module opened, after the consumer and the background work have stopped. */
class KafkaResources implements OnApplicationShutdown {
  constructor(@Inject(OUTBOX_PRODUCER) private readonly producer: BatchingProducer) {}

  async onApplicationShutdown(): Promise<void> {
    await this.producer.close();
  }
}

@Module({})
export class ConsumerServiceModule {
  /**
   * Everything a consumer service needs around its feature module: the
   * sections it composes (consumerServiceSections; `config` may hold more, as
   * the test kit's does, but only these are provided), logging and metrics, Prisma, Kafka client/probe/outbox producer, consumer
   * health and the health endpoints. `background: false` for one-off commands
   * (rebuild): no relay, no dispatchers.
   */
  static forRoot(spec: ConsumerServiceSpec, config: ConsumerServiceConfig, logger: Logger, options: { background: boolean }): DynamicModule {
    const providers = kafkaProviders(spec);
    return {
      module: ConsumerServiceModule,
      global: true,
      imports: [ConfigModule.forRoot(config, consumerServiceSections(spec.config)), ObservabilityModule.forRoot(logger), PrismaModule, TerminusModule.forRoot({ logger: false }), OutboxModule, spec.feature],
      providers: [...providers, KafkaResources, ...(options.background ? [BackgroundWork, TableStats] : [])],
      controllers: [ConsumerHealthController],
      exports: providers,
    };
  }
}
