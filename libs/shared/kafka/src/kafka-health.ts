import type { BatchingProducer } from './batching-producer';

/**
 * Readiness probe for the broker, on the connection that carries the
 * process's traffic (its producer): a metadata round trip for the topics it
 * writes. A separate admin client would only show that *a* connection works.
 */
export class KafkaHealthProbe {
  constructor(
    private readonly producer: BatchingProducer,
    private readonly topics: string[] = [],
  ) {}

  check(): Promise<{ brokers: number; topics: number }> {
    return this.producer.check(this.topics);
  }
}
