import type { Provider } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import type { Logger } from 'pino';

import { APP_CONFIG, AppConfig } from '@wahooks/config';
import { ConsumerHealth } from '@wahooks/consumer-runtime';
import { BatchingProducer, createKafka, KafkaHealthProbe } from '@wahooks/kafka';
import { ROOT_LOGGER } from '@wahooks/observability';

export const KAFKA = Symbol('KAFKA');
export const CONSUMER_HEALTH = Symbol('CONSUMER_HEALTH');
export const OUTBOX_PRODUCER = Symbol('OUTBOX_PRODUCER');

export const DEFAULT_GROUP_ID = 'wahooks-template-monitor';

export const kafkaProviders: Provider[] = [
  {
    provide: KAFKA,
    inject: [APP_CONFIG, ROOT_LOGGER],
    useFactory: (config: AppConfig, logger: Logger) =>
      createKafka({ brokers: config.kafka.brokers, clientId: `${config.kafka.clientId}-template-monitor`, logger }),
  },
  { provide: KafkaHealthProbe, inject: [KAFKA], useFactory: (kafka: Kafka) => new KafkaHealthProbe(kafka) },
  {
    provide: CONSUMER_HEALTH,
    inject: [APP_CONFIG],
    useFactory: (config: AppConfig) => new ConsumerHealth(config.consumer.groupId ?? DEFAULT_GROUP_ID),
  },
  {
    provide: OUTBOX_PRODUCER,
    inject: [KAFKA],
    useFactory: (kafka: Kafka) => new BatchingProducer(kafka, { lingerMs: 2, maxBatch: 500, publishTimeoutMs: 10_000 }),
  },
];
