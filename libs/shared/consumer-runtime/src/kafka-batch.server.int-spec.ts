import { Controller, Module, UseFilters } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { EventPattern, Payload } from '@nestjs/microservices';
import { Kafka, logLevel } from 'kafkajs';
import pino from 'pino';

import { deadLetterTopic } from '@wahooks/events-contract';
import { MetricsService } from '@wahooks/observability';
import { TopicReader } from '@wahooks/testing';

import { BatchEvents, RecordBatch } from './consumed-record';
import { DlqHeaders } from './dlq';
import { PoisonRecordError } from './failure-policy';
import { KafkaBatchServer } from './kafka-batch.server';
import { RethrowRpcErrors } from './rethrow-rpc.filter';

const brokers = (process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092').split(',');
const TOPIC = `test.consumer-runtime.${process.pid}.${Date.now()}`;

/** What the handler saw, shared with the test. */
const seen: string[] = [];
let transientFailuresLeft = 0;

@Controller()
@UseFilters(RethrowRpcErrors)
class RecordingHandler {
  @EventPattern<BatchEvents>(TOPIC)
  async handle(@Payload() batch: RecordBatch): Promise<void> {
    if (transientFailuresLeft > 0) {
      transientFailuresLeft--;
      throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    }
    const values = batch.records.map((r) => r.value?.toString() ?? '');
    const poison = values.find((v) => v.startsWith('poison'));
    if (poison) throw new PoisonRecordError(`cannot handle ${poison}`);
    seen.push(...values);
  }
}

@Module({ controllers: [RecordingHandler] })
class TestModule {}

async function startConsumer(groupId: string) {
  const app = await NestFactory.createMicroservice(TestModule, {
    strategy: new KafkaBatchServer({
      kafka: new Kafka({ brokers, clientId: 'runtime-test', logLevel: logLevel.NOTHING }),
      groupId,
      logger: pino({ level: 'silent' }),
      metrics: new MetricsService(),
      retryBaseMs: 20,
      retryCapMs: 100,
      maxAttempts: 2,
    }),
    logger: false,
  });
  await app.listen();
  return app;
}

describe('KafkaBatchServer against the real broker', () => {
  const kafka = new Kafka({ brokers, logLevel: logLevel.NOTHING });
  const producer = kafka.producer();
  const dlq = new TopicReader(brokers);
  const groupId = `runtime-test-${Date.now()}`;

  beforeAll(async () => {
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: 2 }, { topic: deadLetterTopic(TOPIC), numPartitions: 1 }], waitForLeaders: true });
    await admin.disconnect();
    await producer.connect();
    await dlq.start([deadLetterTopic(TOPIC)]);
  });

  afterAll(async () => {
    await producer.disconnect();
    await dlq.stop();
  });

  const send = (values: string[]) =>
    producer.send({ topic: TOPIC, messages: values.map((v) => ({ key: v.split('-')[0] ?? 'k', value: v, headers: { 'wahooks-tenant-id': 't1' } })) });

  it('retries transient failures, dead-letters a poison record with its origin, and moves on', async () => {
    transientFailuresLeft = 2;
    await send(['a-1', 'a-2', 'poison-1', 'a-3']);
    const app = await startConsumer(groupId);
    try {
      const deadline = Date.now() + 30_000;
      while (seen.length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect([...seen].sort()).toEqual(['a-1', 'a-2', 'a-3']);
      const [letter] = await dlq.waitFor((rs) => rs.length >= 1);
      expect(letter?.value?.toString()).toBe('poison-1');
      expect(letter?.headers[DlqHeaders.originTopic]).toBe(TOPIC);
      expect(letter?.headers[DlqHeaders.error]).toContain('cannot handle poison-1');
      expect(letter?.headers[DlqHeaders.consumerGroup]).toBe(groupId);
      expect(letter?.headers['wahooks-tenant-id']).toBe('t1');
      expect(transientFailuresLeft).toBe(0);
      // Transient failures were retried, never dead-lettered.
      expect(dlq.records).toHaveLength(1);
    } finally {
      await app.close();
    }
  });

  it('commits only handled batches: a restarted consumer resumes after them', async () => {
    await send(['b-1', 'b-2']);
    const app = await startConsumer(groupId);
    try {
      const deadline = Date.now() + 30_000;
      while (seen.length < 5 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect([...seen].sort()).toEqual(['a-1', 'a-2', 'a-3', 'b-1', 'b-2']);
      expect(dlq.records).toHaveLength(1);
    } finally {
      await app.close();
    }
  });
});
