import { Module } from '@nestjs/common';
import type { Logger } from 'pino';

import { IntakeConfig, intakeSection, KafkaConfig, kafkaSection } from '@wahooks/config';
import { Topics } from '@wahooks/events-contract';
import { KafkaClients, KafkaHealthProbe } from '@wahooks/kafka';
import { MetricsService, ROOT_LOGGER } from '@wahooks/observability';
import { TenancyModule } from '@wahooks/tenancy';

import { InflightBudget } from './inflight-budget';
import { KAFKA, RawPublisher } from './raw-publisher.service';
import { WebhookController } from './webhook.controller';
import { WebhookIntakeService } from './webhook-intake.service';

@Module({
  imports: [TenancyModule],
  controllers: [WebhookController],
  providers: [
    { provide: KAFKA, inject: [kafkaSection.token, ROOT_LOGGER], useFactory: (kafka: KafkaConfig, logger: Logger) => new KafkaClients(kafka, logger, 'intake') },
    // Readiness asks the broker through the producer that carries the webhooks.
    { provide: KafkaHealthProbe, inject: [RawPublisher], useFactory: (publisher: RawPublisher) => new KafkaHealthProbe(publisher.producer, [Topics.webhooksRaw]) },
    { provide: InflightBudget, inject: [intakeSection.token, MetricsService], useFactory: inflightBudget },
    RawPublisher,
    WebhookIntakeService,
  ],
  exports: [InflightBudget, KafkaHealthProbe, RawPublisher],
})
export class IntakeModule {}

/** The one budget both ways in share (fast path and Fastify routes), its gauges read at scrape time: nothing per request. */
function inflightBudget(intake: IntakeConfig, metrics: MetricsService): InflightBudget {
  const budget = new InflightBudget(intake.maxInflightBytes);
  metrics.gauge('wahooks_intake_inflight_bytes', 'Request-body bytes being received or awaiting the broker, across all connections', [], function () {
    this.set(budget.inFlight);
  });
  metrics.gauge('wahooks_intake_inflight_bytes_limit', 'INTAKE_MAX_INFLIGHT_BYTES: past it webhook POSTs get 503 unread', [], function () {
    this.set(budget.capacity);
  });
  return budget;
}
