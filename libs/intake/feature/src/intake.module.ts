import { Module } from '@nestjs/common';
import type { Logger } from 'pino';

import { APP_CONFIG, AppConfig } from '@wahooks/config';
import { Topics } from '@wahooks/events-contract';
import { KafkaClients, KafkaHealthProbe } from '@wahooks/kafka';
import { ROOT_LOGGER } from '@wahooks/observability';
import { TenancyModule } from '@wahooks/tenancy';

import { KAFKA, RawPublisher } from './raw-publisher.service';
import { WebhookController } from './webhook.controller';
import { WebhookIntakeService } from './webhook-intake.service';

@Module({
  imports: [TenancyModule],
  controllers: [WebhookController],
  providers: [
    { provide: KAFKA, inject: [APP_CONFIG, ROOT_LOGGER], useFactory: (config: AppConfig, logger: Logger) => new KafkaClients(config.kafka, logger, 'intake') },
    // Readiness asks the broker through the producer that carries the webhooks.
    { provide: KafkaHealthProbe, inject: [RawPublisher], useFactory: (publisher: RawPublisher) => new KafkaHealthProbe(publisher.producer, [Topics.webhooksRaw]) },
    RawPublisher,
    WebhookIntakeService,
  ],
  exports: [KafkaHealthProbe, RawPublisher],
})
export class IntakeModule {}
