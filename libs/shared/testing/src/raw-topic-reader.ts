import { Consumer, Kafka, KafkaMessage, logLevel } from 'kafkajs';

export interface ReadRecord {
  topic: string;
  partition: number;
  key: string | null;
  value: Buffer | null;
  headers: Record<string, string>;
  message: KafkaMessage;
}

/**
 * The broker's name of a logical topic in the namespace the tests run in
 * (KAFKA_TOPIC_PREFIX, `test.` under scripts/test.sh): tests never touch
 * the topics `npm start` uses.
 */
export function physicalTopic(logical: string): string {
  return `${process.env['KAFKA_TOPIC_PREFIX'] ?? ''}${logical}`;
}

/** A plain kafkajs client for tests, on the brokers scripts/test.sh started. */
export function testKafka(brokers: string[] = (process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092').split(',')): Kafka {
  return new Kafka({ clientId: 'test', brokers, logLevel: logLevel.NOTHING });
}

/**
 * A plain kafkajs consumer, deliberately independent of the code under test,
 * that records everything published to some (logical) topics after it
 * started; records carry the logical topic name.
 */
export class TopicReader {
  readonly records: ReadRecord[] = [];
  private consumer: Consumer | undefined;

  constructor(private readonly brokers: string[]) {}

  async start(topics: string[]): Promise<void> {
    const kafka = new Kafka({ clientId: 'test-reader', brokers: this.brokers, logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    // Start at the current end of each partition, so earlier runs do not interfere.
    const ends = await Promise.all(topics.map(async (t) => ({ topic: physicalTopic(t), offsets: await admin.fetchTopicOffsets(physicalTopic(t)) })));
    await admin.disconnect();
    this.consumer = kafka.consumer({ groupId: `test-reader-${process.pid}-${Date.now()}-${Math.random()}` });
    await this.consumer.connect();
    for (const t of topics) await this.consumer.subscribe({ topic: physicalTopic(t), fromBeginning: true });
    const prefix = physicalTopic('');
    let assigned = false;
    this.consumer.on(this.consumer.events.GROUP_JOIN, () => (assigned = true));
    await this.consumer.run({
      eachMessage: async ({ topic, partition, message }) => {
        this.records.push({
          topic: topic.slice(prefix.length),
          partition,
          key: message.key?.toString() ?? null,
          value: message.value,
          headers: Object.fromEntries(
            Object.entries(message.headers ?? {}).map(([k, v]) => [k, Array.isArray(v) ? String(v[0]) : String(v ?? '')]),
          ),
          message,
        });
      },
    });
    for (const { topic, offsets } of ends) {
      for (const o of offsets) this.consumer.seek({ topic, partition: o.partition, offset: o.offset });
    }
    const deadline = Date.now() + 30_000;
    while (!assigned && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    if (!assigned) throw new Error('test reader did not join its group within 30 s');
  }

  /** Waits until `predicate` holds over the records read so far. */
  async waitFor(predicate: (records: ReadRecord[]) => boolean, timeoutMs = 20_000): Promise<ReadRecord[]> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (predicate(this.records)) return this.records;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`condition not met within ${timeoutMs} ms (${this.records.length} records read)`);
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
  }
}

/**
 * Outbox relays publish at least once (a retried round can publish a row
 * again); consumers act once per `wahooks-idempotency-key`. Tests that count
 * published events count them the same way.
 */
export function distinctByIdempotencyKey(records: ReadRecord[]): ReadRecord[] {
  return [...new Map(records.map((r) => [r.headers['wahooks-idempotency-key'] ?? `${r.topic}/${r.partition}/${r.message.offset}`, r])).values()];
}
