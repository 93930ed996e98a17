import { Kafka, logLevel } from 'kafkajs';

import { DlqHeaders } from '@wahooks/consumer-runtime';
import { deadLetterTopic } from '@wahooks/events-contract';
import { TopicReader } from '@wahooks/testing';

import { replayDeadLetters } from './replay';

const brokers = (process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092').split(',');

describe('dlq-replay', () => {
  it('re-publishes dead letters to their origin without the dead-letter headers, once', async () => {
    const kafka = new Kafka({ brokers, logLevel: logLevel.NOTHING });
    const origin = `test.dlq-replay.${Date.now()}`;
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: origin }, { topic: deadLetterTopic(origin) }], waitForLeaders: true });
    await admin.disconnect();
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic: deadLetterTopic(origin),
      messages: ['one', 'two'].map((v) => ({
        key: 'tenant-a',
        value: v,
        headers: { 'wahooks-tenant-id': 'tenant-a', [DlqHeaders.originTopic]: origin, [DlqHeaders.error]: 'boom' },
      })),
    });
    await producer.disconnect();
    const reader = new TopicReader(brokers);
    await reader.start([origin]);
    try {
      const group = `replay-${Date.now()}`;
      const report = await replayDeadLetters(kafka, { dlqTopic: deadLetterTopic(origin), groupId: group, dryRun: false, max: 100, idleMs: 1500 });
      expect(report).toEqual({ replayed: 2, byOrigin: { [origin]: 2 } });
      const records = await reader.waitFor((rs) => rs.length >= 2);
      expect(records.map((r) => r.value?.toString())).toEqual(['one', 'two']);
      expect(records[0]?.headers).toEqual({ 'wahooks-tenant-id': 'tenant-a' });
      // The replayer's group remembers: running it again replays nothing.
      const again = await replayDeadLetters(kafka, { dlqTopic: deadLetterTopic(origin), groupId: group, dryRun: false, max: 100, idleMs: 1500 });
      expect(again.replayed).toBe(0);
    } finally {
      await reader.stop();
    }
  });
});
