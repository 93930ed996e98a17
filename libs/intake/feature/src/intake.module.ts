import { Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import type { Logger } from 'pino';

import { APP_CONFIG, AppConfig } from '@wahooks/config';
import { createKafka, KafkaHealthProbe } from '@wahooks/kafka';
import { ROOT_LOGGER } from '@wahooks/observability';
import { TenancyModule } from '@wahooks/tenancy';

import { KAFKA, RawPublisher } from './raw-publisher.service';
import { WebhookController } from './webhook.controller';
import { WebhookIntakeService } from './webhook-intake.service';

@Module({
  imports: [TenancyModule],
  controllers: [WebhookController],
  providers: [
    {
      provide: KAFKA,
      inject: [APP_CONFIG, ROOT_LOGGER],
      useFactory: (config: AppConfig, logger: Logger) =>
        createKafka({ brokers: config.kafka.brokers, clientId: `${config.kafka.clientId}-intake`, logger }),
    },
    { provide: KafkaHealthProbe, inject: [KAFKA], useFactory: (kafka: Kafka) => new KafkaHealthProbe(kafka) },
    RawPublisher,
    WebhookIntakeService,
  ],
  exports: [KafkaHealthProbe, RawPublisher],
})
export class IntakeModule implements OnApplicationShutdown {
  constructor(@Inject(KafkaHealthProbe) private readonly probe: KafkaHealthProbe) {}

  async onApplicationShutdown(): Promise<void> {
    await this.probe.close();
  }
}
