import { Controller, Module, UseFilters } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import pino from 'pino';

import { deadLetterTopic, retryTopic } from '@wahooks/events-contract';
import { KafkaClients } from '@wahooks/kafka';
import { MetricsService } from '@wahooks/observability';
import { physicalTopic, testKafka, TopicReader } from '@wahooks/testing';

import { BatchEvents, controlOf, RecordBatch } from './consumed-record';
import { DlqHeaders, retryRecordFor } from './dlq';
import { PoisonRecordError } from './failure-policy';
import { KafkaBatchServer } from './kafka-batch.server';
import { RethrowRpcErrors } from './rethrow-rpc.filter';

const brokers = (process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092').split(',');
const TOPIC = `consumer-runtime.${process.pid}.${Date.now()}`;
const settings = { brokers, clientId: 'runtime-test', topicPrefix: process.env['KAFKA_TOPIC_PREFIX'] ?? '' };

/** What the handler saw and how it should fail, shared with the test. */
const seen: string[] = [];
let infrastructureFailuresLeft = 0;
/** Values that throw an error the runtime has never seen, every time. */
const cursed = new Set<string>();
const heartbeatsAlive: boolean[] = [];

@Controller()
@UseFilters(RethrowRpcErrors)
class RecordingHandler {
  @EventPattern<BatchEvents>(TOPIC)
  async handle(@Payload() batch: RecordBatch, @Ctx() ctx: unknown): Promise<void> {
    if (infrastructureFailuresLeft > 0) {
      infrastructureFailuresLeft--;
      // What a failover looks like: the database went read-only.
      throw Object.assign(new Error('cannot execute INSERT in a read-only transaction'), { code: '25006' });
    }
    const values = batch.records.map((r) => r.value?.toString() ?? '');
    const poison = values.find((v) => v.startsWith('poison'));
    if (poison) throw new PoisonRecordError(`cannot handle ${poison}`);
    const bad = values.find((v) => cursed.has(v));
    if (bad) throw new TypeError(`cannot read properties of undefined (${bad})`);
    if (values.some((v) => v.startsWith('slow'))) {
      // Longer than the session timeout: the membership must survive it.
      await new Promise((r) => setTimeout(r, 8000));
      heartbeatsAlive.push(controlOf(ctx).alive());
    }
    seen.push(...values);
  }
}

@Module({ controllers: [RecordingHandler] })
class TestModule {}

async function startConsumer(groupId: string) {
  const app = await NestFactory.createMicroservice(TestModule, {
    strategy: new KafkaBatchServer({
      kafka: new KafkaClients(settings, pino({ level: 'silent' }), 'runtime-test'),
      groupId,
      logger: pino({ level: 'silent' }),
      metrics: new MetricsService(),
      retryBaseMs: 20,
      retryCapMs: 100,
      poisonAttempts: 2,
      splitAfter: 2,
      parkAfter: 3,
      sessionTimeoutMs: 6000,
      heartbeatIntervalMs: 500,
    }),
    logger: false,
  });
  await app.listen();
  return app;
}

async function until(done: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
}

describe('KafkaBatchServer against the real broker', () => {
  const kafka = testKafka(brokers);
  const producer = kafka.producer();
  const dlq = new TopicReader(brokers);
  const groupId = `runtime-test-${Date.now()}`;

  beforeAll(async () => {
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: physicalTopic(TOPIC), numPartitions: 2 }], waitForLeaders: true });
    await admin.disconnect();
    await producer.connect();
  });

  afterAll(async () => {
    await producer.disconnect();
    await dlq.stop();
  });

  const send = (values: string[]) =>
    producer.send({ topic: physicalTopic(TOPIC), messages: values.map((v) => ({ key: v.split('-')[0] ?? 'k', value: v, headers: { 'wahooks-tenant-id': 't1' } })) });

  it('retries a database failover without dead-lettering, isolates a poison record to its group, and moves on', async () => {
    infrastructureFailuresLeft = 6;
    await send(['a-1', 'a-2', 'poison-1', 'a-3']);
    const app = await startConsumer(groupId);
    try {
      // The group's own dead-letter and retry topics were created at start.
      await dlq.start([deadLetterTopic(groupId)]);
      await until(() => seen.length >= 3);
      expect([...seen].sort()).toEqual(['a-1', 'a-2', 'a-3']);
      const [letter] = await dlq.waitFor((rs) => rs.length >= 1);
      expect(letter?.value?.toString()).toBe('poison-1');
      expect(letter?.headers).toMatchObject({
        [DlqHeaders.originTopic]: TOPIC,
        [DlqHeaders.consumerGroup]: groupId,
        [DlqHeaders.disposition]: 'poison',
        [DlqHeaders.errorClass]: 'poison',
        [DlqHeaders.replays]: '0',
        'wahooks-tenant-id': 't1',
      });
      expect(letter?.headers[DlqHeaders.error]).toContain('cannot handle poison-1');
      expect(infrastructureFailuresLeft).toBe(0);
      // Infrastructure failures were retried, never dead-lettered.
      expect(dlq.records).toHaveLength(1);
    } finally {
      await app.close();
    }
  });

  it('parks a record that keeps failing with an error never seen, once the records beside it are handled', async () => {
    cursed.add('b-2');
    await send(['b-1', 'b-2', 'b-3']);
    const app = await startConsumer(groupId);
    try {
      await until(() => seen.includes('b-1') && seen.includes('b-3') && dlq.records.length >= 2);
      expect(seen).toEqual(expect.arrayContaining(['b-1', 'b-3']));
      const parked = dlq.records.find((r) => r.value?.toString() === 'b-2');
      expect(parked?.headers).toMatchObject({ [DlqHeaders.disposition]: 'parked', [DlqHeaders.errorClass]: 'unknown' });
      expect(dlq.records).toHaveLength(2);
    } finally {
      await app.close();
    }
  });

  it('replays a dead letter through the group retry topic to the origin handler only', async () => {
    cursed.delete('b-2');
    const letter = dlq.records.find((r) => r.value?.toString() === 'b-2')!;
    const retry = retryRecordFor({ topic: deadLetterTopic(groupId), partition: 0, offset: '0', key: letter.key, value: letter.value, headers: letter.headers, timestamp: Date.now() });
    expect(retry.topic).toBe(retryTopic(groupId));
    await producer.send({ topic: physicalTopic(retry.topic), messages: [{ key: retry.key, value: retry.value, headers: retry.headers as Record<string, string> }] });
    const app = await startConsumer(groupId);
    try {
      await until(() => seen.filter((v) => v === 'b-2').length === 1);
      expect(seen.filter((v) => v === 'b-2')).toHaveLength(1);
      expect(dlq.records).toHaveLength(2);
    } finally {
      await app.close();
    }
  });

  it('keeps its membership through a batch longer than the session timeout, and commits it', async () => {
    await send(['slow-1']);
    const app = await startConsumer(groupId);
    try {
      await until(() => seen.includes('slow-1'), 40_000);
      expect(heartbeatsAlive).toEqual([true]);
    } finally {
      await app.close();
    }
    // Committed: a restarted consumer does not see it again.
    const before = seen.length;
    await send(['c-1']);
    const again = await startConsumer(groupId);
    try {
      await until(() => seen.includes('c-1'));
      expect(seen.slice(before)).toEqual(['c-1']);
    } finally {
      await again.close();
    }
  });
});
