import { Inject, Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';

import { IntakeConfig, intakeSection } from '@wahooks/config';
import { BatchingProducer, KafkaClients, OutgoingRecord } from '@wahooks/kafka';
import { MetricsService } from '@wahooks/observability';

export const KAFKA = Symbol('KAFKA');

/**
 * The intake's one producer. Closed after the HTTP server has drained
 * (onApplicationShutdown runs after Nest closed the listener), so requests
 * in flight during a shutdown still get their broker acknowledgement.
 */
@Injectable()
export class RawPublisher implements OnModuleInit, OnApplicationShutdown {
  readonly producer: BatchingProducer;

  constructor(@Inject(intakeSection.token) intake: IntakeConfig, @Inject(KAFKA) kafka: KafkaClients, metrics: MetricsService) {
    const batchSize = metrics.histogram('wahooks_kafka_produce_batch_size', 'Records per produce request', ['outcome'], [1, 2, 5, 10, 20, 50, 100, 200, 500]);
    const flushSeconds = metrics.histogram('wahooks_kafka_produce_seconds', 'Produce request latency', ['outcome']);
    this.producer = kafka.producer(
      'raw',
      {
        lingerMs: intake.lingerMs,
        maxBatch: intake.maxBatch,
        lanes: intake.producerLanes,
        publishTimeoutMs: intake.publishTimeoutMs,
      },
      (size, seconds, error) => {
        const outcome = error ? 'error' : 'ok';
        batchSize.observe({ outcome }, size);
        flushSeconds.observe({ outcome }, seconds);
      },
    );
  }

  onModuleInit(): void {
    // Start even when the broker is down: readiness reports it, and requests
    // get 503 (Meta retries) instead of the pod crash-looping.
    this.producer.connect().catch(() => undefined);
  }

  publish(records: OutgoingRecord[]): Promise<unknown> {
    // One record is the common case (a tenant URL): no Promise.all around it.
    return records.length === 1 ? this.producer.publish(records[0]!) : Promise.all(records.map((r) => this.producer.publish(r)));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.producer.close();
  }
}
