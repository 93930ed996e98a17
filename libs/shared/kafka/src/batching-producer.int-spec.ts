import { Kafka, logLevel, Partitioners } from 'kafkajs';

import { BatchingProducer, ProducerOverloadedError, ProducerUnavailableError, PublishTimeoutError } from './batching-producer';

const brokers = (process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092').split(',');
// A topic of its own: reading the shared raw topic back from the start gets slower with every run.
const TOPIC = `test.batching-producer.${process.pid}.${Date.now()}`;

describe('BatchingProducer against the real broker', () => {
  const kafka = new Kafka({ brokers, clientId: 'batching-test', logLevel: logLevel.NOTHING });

  beforeAll(async () => {
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: 3 }], waitForLeaders: true });
    await admin.disconnect();
  });

  it('shares produce requests between concurrent publishes and writes each record once', async () => {
    const batches: number[] = [];
    const producer = new BatchingProducer({ brokers, clientId: 'batching-test' }, { lingerMs: 5, maxBatch: 100, publishTimeoutMs: 10_000 }, (n, _s, err) => {
      if (!err) batches.push(n);
    });
    await producer.connect();
    const marker = `batch-${Date.now()}`;
    const key = `k-${marker}`;
    await Promise.all(
      Array.from({ length: 250 }, (_, i) =>
        producer.publish({ topic: TOPIC, key, value: Buffer.from(`${marker}-${i}`), headers: { n: String(i) } }),
      ),
    );
    await producer.close();
    expect(batches.reduce((a, b) => a + b, 0)).toBe(250);
    expect(batches.length).toBeLessThan(250 / 10);
    expect(Math.max(...batches)).toBeLessThanOrEqual(100);

    // Read back with a plain consumer: every record exactly once, in publish order (one key, one partition).
    const seen = await readBack(new Kafka({ brokers, logLevel: logLevel.NOTHING }), key, 250);
    expect(seen).toEqual(Array.from({ length: 250 }, (_, i) => `${marker}-${i}`));
  });

  it('with two lanes, still writes every record exactly once and rejects nothing', async () => {
    const batches: number[] = [];
    const producer = new BatchingProducer({ brokers, clientId: 'lanes-test' }, { lingerMs: 0, maxBatch: 50, publishTimeoutMs: 10_000, lanes: 2 }, (n, _s, err) => {
      if (!err) batches.push(n);
    });
    await producer.connect();
    expect(producer.isConnected).toBe(true);
    const marker = `lanes-${Date.now()}`;
    const key = `k-${marker}`;
    await Promise.all(
      Array.from({ length: 400 }, (_, i) => producer.publish({ topic: TOPIC, key, value: Buffer.from(`${marker}-${i}`), headers: { n: String(i) } })),
    );
    await producer.close();
    expect(batches.reduce((a, b) => a + b, 0)).toBe(400);
    // Two lanes: the order between concurrent batches is not kept, the set is.
    const seen = await readBack(new Kafka({ brokers, logLevel: logLevel.NOTHING }), key, 400);
    expect(seen).toHaveLength(400);
    expect(new Set(seen)).toEqual(new Set(Array.from({ length: 400 }, (_, i) => `${marker}-${i}`)));
  });

  it('caps a produce request by bytes, so large records of one key never exceed the broker limit together', async () => {
    const sizes: number[] = [];
    // The test topic has the broker's default max.message.bytes (1 MiB per record batch).
    const producer = new BatchingProducer({ brokers, clientId: 'bytes-test' }, { lingerMs: 20, maxBatch: 500, publishTimeoutMs: 20_000 }, (n, _s, err) => {
      if (err) throw err;
      sizes.push(n);
    });
    await producer.connect();
    const key = `big-${Date.now()}`;
    const results = await Promise.allSettled(
      Array.from({ length: 24 }, (_, i) => producer.publish({ topic: TOPIC, key, value: Buffer.alloc(200 * 1024, 97 + (i % 26)), headers: { n: String(i) } })),
    );
    await producer.close();
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(24);
    // 200 KiB records under a 900 KiB cap: at most four per request.
    expect(Math.max(...sizes)).toBeLessThanOrEqual(4);
  });

  it('puts each key on the partition the Java client (and kafkajs DefaultPartitioner) would', async () => {
    const producer = new BatchingProducer({ brokers, clientId: 'partitioner-test' }, { lingerMs: 0, maxBatch: 100, publishTimeoutMs: 10_000 });
    const marker = `part-${Date.now()}`;
    const keys = Array.from({ length: 60 }, (_, i) => `${marker}-tenant-${i}`);
    await Promise.all(keys.map((key) => producer.publish({ topic: TOPIC, key, value: Buffer.from(key), headers: { h: 'v' } })));
    await producer.close();

    const javaCompatible = Partitioners.DefaultPartitioner();
    const partitionMetadata = [0, 1, 2].map((partitionId) => ({ partitionErrorCode: 0, partitionId, leader: 1, replicas: [1], isr: [1], offlineReplicas: [] }));
    const placed = await readPlacement(new Kafka({ brokers, logLevel: logLevel.NOTHING }), marker, keys.length);
    for (const key of keys) {
      expect({ key, partition: placed.get(key) }).toEqual({ key, partition: javaCompatible({ topic: TOPIC, partitionMetadata, message: { key, value: null } }) });
    }
    expect(new Set(placed.values()).size).toBe(3);
  });

  it('a batch with a record for a missing topic still writes the records of the other topics', async () => {
    const producer = new BatchingProducer({ brokers, clientId: 'mixed-test' }, { lingerMs: 20, maxBatch: 100, publishTimeoutMs: 20_000 });
    await producer.connect();
    const key = `mixed-${Date.now()}`;
    const good = Array.from({ length: 5 }, (_, i) => producer.publish({ topic: TOPIC, key, value: Buffer.from(`${key}-${i}`), headers: {} }));
    const bad = producer.publish({ topic: `test.no-such-topic.${Date.now()}`, key, value: Buffer.from('lost?'), headers: {} });
    await expect(Promise.all(good)).resolves.toBeDefined();
    await expect(bad).rejects.toBeInstanceOf(ProducerUnavailableError);
    await producer.close();
    const seen = await readBack(new Kafka({ brokers, logLevel: logLevel.NOTHING }), key, 5);
    expect(new Set(seen)).toEqual(new Set(Array.from({ length: 5 }, (_, i) => `${key}-${i}`)));
  }, 60_000);

  it('refuses at once (overloaded) beyond maxQueuedBytes while the broker is unreachable', async () => {
    const producer = new BatchingProducer({ brokers: ['127.0.0.1:1'], clientId: 'dead-bytes', connectTimeoutMs: 200 }, { lingerMs: 1, maxBatch: 10, publishTimeoutMs: 300, maxQueuedBytes: 3000 });
    const record = (n: number) => ({ topic: TOPIC, key: 'k', value: Buffer.alloc(1000, 120), headers: { n: String(n) } });
    const first = producer.publish(record(1)).catch((e: unknown) => e);
    const second = producer.publish(record(2)).catch((e: unknown) => e);
    await expect(producer.publish(record(3))).rejects.toBeInstanceOf(ProducerOverloadedError);
    expect(await first).toBeInstanceOf(PublishTimeoutError);
    expect(await second).toBeInstanceOf(PublishTimeoutError);
    await producer.close().catch(() => undefined);
  }, 60_000);

  it('rejects within the deadline when the broker is unreachable, and refuses after close', async () => {
    const producer = new BatchingProducer({ brokers: ['127.0.0.1:1'], clientId: 'dead', connectTimeoutMs: 200 }, { lingerMs: 1, maxBatch: 10, publishTimeoutMs: 300 });
    const started = Date.now();
    await expect(producer.publish({ topic: TOPIC, key: 'k', value: Buffer.from('x'), headers: {} })).rejects.toBeInstanceOf(
      PublishTimeoutError,
    );
    expect(Date.now() - started).toBeLessThan(2000);
    const closing = producer.close().catch(() => undefined);
    await expect(producer.publish({ topic: TOPIC, key: 'k', value: Buffer.from('y'), headers: {} })).rejects.toBeInstanceOf(
      ProducerUnavailableError,
    );
    await closing;
  }, 60_000);
});

async function readBack(kafka: Kafka, key: string, count: number): Promise<string[]> {
  const consumer = kafka.consumer({ groupId: `readback-${key}` });
  const values: string[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      if (message.key?.toString() === key) values.push(message.value?.toString() ?? '');
    },
  });
  const deadline = Date.now() + 30_000;
  while (values.length < count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  await consumer.disconnect();
  return values;
}

async function readPlacement(kafka: Kafka, marker: string, count: number): Promise<Map<string, number>> {
  const consumer = kafka.consumer({ groupId: `placement-${marker}` });
  const placed = new Map<string, number>();
  await consumer.connect();
  await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ partition, message }) => {
      const key = message.key?.toString() ?? '';
      if (key.startsWith(marker)) placed.set(key, partition);
    },
  });
  const deadline = Date.now() + 30_000;
  while (placed.size < count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  await consumer.disconnect();
  return placed;
}
