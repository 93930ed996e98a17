import pino from 'pino';

import { DlqHeaders } from './dlq';
import { deadLetterTopic, groupTopicSpecs, retryTopic } from '@wahooks/events-contract';
import { KafkaClients } from '@wahooks/kafka';
import { physicalTopic, testKafka, TopicReader } from '@wahooks/testing';

import { replayDeadLetters } from './dead-letter-replay';

const brokers = (process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092').split(',');
const settings = { brokers, clientId: 'replay-test', topicPrefix: process.env['KAFKA_TOPIC_PREFIX'] ?? '' };

describe('dlq-replay', () => {
  const kafka = new KafkaClients(settings, pino({ level: 'silent' }), 'replay-test');
  const group = `replay-test-group-${Date.now()}`;
  const other = `replay-test-other-${Date.now()}`;
  const origin = 'whatsapp.webhooks.raw.v1';

  const letter = (value: string, failedGroup = group) => ({
    key: 'tenant-a',
    value,
    headers: {
      'wahooks-tenant-id': 'tenant-a',
      [DlqHeaders.originTopic]: origin,
      [DlqHeaders.originPartition]: '3',
      [DlqHeaders.originOffset]: '42',
      [DlqHeaders.consumerGroup]: failedGroup,
      [DlqHeaders.error]: 'boom',
      [DlqHeaders.disposition]: 'poison',
      [DlqHeaders.replays]: '0',
    },
  });

  beforeAll(async () => {
    const admin = kafka.topicAdmin();
    await admin.ensure([...groupTopicSpecs(group), ...groupTopicSpecs(other)]);
    await admin.close();
  });

  it('puts a group\'s dead letters on that group\'s retry topic only, once, and never more than it read', async () => {
    const producer = testKafka(brokers).producer();
    await producer.connect();
    await producer.send({ topic: physicalTopic(deadLetterTopic(group)), messages: [letter('one'), letter('two')] });
    const reader = new TopicReader(brokers);
    await reader.start([retryTopic(group), retryTopic(other)]);
    try {
      const dry = await replayDeadLetters(kafka, { dlqTopic: deadLetterTopic(group), replayerGroup: `${group}-replayer`, dryRun: true, max: 100, timeoutMs: 30_000 });
      expect(dry).toMatchObject({ read: 2, replayed: 2 });

      const report = await replayDeadLetters(kafka, { dlqTopic: deadLetterTopic(group), replayerGroup: `${group}-replayer`, dryRun: false, max: 100, timeoutMs: 30_000 });
      expect(report).toMatchObject({ read: 2, replayed: 2, byGroup: { [group]: 2 }, byOrigin: { [origin]: 2 }, skipped: 0 });
      const records = await reader.waitFor((rs) => rs.length >= 2);
      expect(records.map((r) => [r.topic, r.value?.toString()])).toEqual([
        [retryTopic(group), 'one'],
        [retryTopic(group), 'two'],
      ]);
      // The record's own headers and its origin; the failure left behind; the replay counted.
      expect(records[0]?.headers).toEqual({
        'wahooks-tenant-id': 'tenant-a',
        [DlqHeaders.originTopic]: origin,
        [DlqHeaders.originPartition]: '3',
        [DlqHeaders.originOffset]: '42',
        [DlqHeaders.replays]: '1',
      });

      // A letter that fails again lands after the end this run started with: the next run, not this one, sees it.
      await producer.send({ topic: physicalTopic(deadLetterTopic(group)), messages: [letter('three')] });
      const again = await replayDeadLetters(kafka, { dlqTopic: deadLetterTopic(group), replayerGroup: `${group}-replayer`, dryRun: false, max: 100, timeoutMs: 30_000 });
      expect(again).toMatchObject({ read: 1, replayed: 1 });
      await reader.waitFor((rs) => rs.length >= 3);
      const nothing = await replayDeadLetters(kafka, { dlqTopic: deadLetterTopic(group), replayerGroup: `${group}-replayer`, dryRun: false, max: 100, timeoutMs: 30_000 });
      expect(nothing).toMatchObject({ read: 0, replayed: 0 });
      await new Promise((r) => setTimeout(r, 500));
      expect(reader.records.filter((r) => r.topic === retryTopic(other))).toHaveLength(0);
      expect(reader.records).toHaveLength(3);
    } finally {
      await reader.stop();
      await producer.disconnect();
    }
  });

  it('stops at --max and continues from there next time', async () => {
    const producer = testKafka(brokers).producer();
    await producer.connect();
    await producer.send({ topic: physicalTopic(deadLetterTopic(other)), messages: ['a', 'b', 'c'].map((v) => letter(v, other)) });
    await producer.disconnect();
    const first = await replayDeadLetters(kafka, { dlqTopic: deadLetterTopic(other), replayerGroup: `${other}-replayer`, dryRun: false, max: 2, timeoutMs: 30_000 });
    expect(first).toMatchObject({ read: 2, replayed: 2 });
    const rest = await replayDeadLetters(kafka, { dlqTopic: deadLetterTopic(other), replayerGroup: `${other}-replayer`, dryRun: false, max: 100, timeoutMs: 30_000 });
    expect(rest).toMatchObject({ read: 1, replayed: 1 });
  });
});
