import { Kafka } from 'kafkajs';

import { DlqHeaders, stripDlqHeaders, toConsumedRecord } from '@wahooks/consumer-runtime';

export interface ReplayOptions {
  dlqTopic: string;
  /** Consumer group of the replayer; its committed offsets remember what was replayed. */
  groupId: string;
  dryRun: boolean;
  max: number;
  /** Stop after this long without new records. */
  idleMs: number;
}

export interface ReplayReport {
  replayed: number;
  byOrigin: Record<string, number>;
}

/**
 * Re-publishes dead letters to the topic they came from, with their original
 * key, value and headers (the dead-letter headers removed), then commits. The
 * consumers' idempotency keys make a replay of something already handled a no-op.
 */
export async function replayDeadLetters(kafka: Kafka, options: ReplayOptions): Promise<ReplayReport> {
  const report: ReplayReport = { replayed: 0, byOrigin: {} };
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
  const consumer = kafka.consumer({ groupId: options.groupId, allowAutoTopicCreation: false });
  await Promise.all([producer.connect(), consumer.connect()]);
  let lastActivity = Date.now();
  try {
    await consumer.subscribe({ topic: options.dlqTopic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: async ({ batch, resolveOffset }) => {
        for (const message of batch.messages) {
          if (report.replayed >= options.max) return;
          const record = toConsumedRecord(batch.topic, batch.partition, message);
          const origin = record.headers[DlqHeaders.originTopic];
          if (!origin) throw new Error(`dead letter at offset ${record.offset} has no ${DlqHeaders.originTopic} header`);
          if (!options.dryRun) {
            await producer.send({
              topic: origin,
              acks: -1,
              messages: [{ key: record.key, value: record.value, headers: stripDlqHeaders(record.headers) }],
            });
            resolveOffset(message.offset);
            await consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: (BigInt(message.offset) + 1n).toString() }]);
          }
          report.replayed++;
          report.byOrigin[origin] = (report.byOrigin[origin] ?? 0) + 1;
          lastActivity = Date.now();
        }
      },
    });
    while (Date.now() - lastActivity < options.idleMs && report.replayed < options.max) {
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    await consumer.disconnect();
    await producer.disconnect();
  }
  return report;
}
