import type { KafkaClients } from './kafka-client';
import type { RecordBatch } from './records';

export interface BoundedReadOptions {
  /** Logical topic. */
  topic: string;
  /** The reader's group: its committed offsets say where the previous run stopped. */
  groupId: string;
  /** Gives up when the end is not reached by then (the broker is away). */
  timeoutMs?: number;
  /** Reads at most this many records (committing through the last one read). */
  max?: number;
}

export interface BoundedReadReport {
  read: number;
  /** Each partition's end offset when the read started: nothing at or past it was read. */
  endOffsets: Record<number, string>;
}

/**
 * Reads a topic from the group's committed position up to the end offsets
 * it had when the read started, hands each batch to `handle`, commits what
 * was handled, and stops. Records written meanwhile (a replayed record that
 * fails again and is dead-lettered again) are left for the next run, so a
 * replay can never feed itself.
 */
export async function readToEnd(kafka: KafkaClients, options: BoundedReadOptions, handle: (batch: RecordBatch) => Promise<void>): Promise<BoundedReadReport> {
  const admin = kafka.topicAdmin();
  let ends: Map<number, bigint>;
  let committed: Map<number, bigint>;
  try {
    ends = await admin.endOffsets(options.topic);
    committed = await admin.committedOffsets(options.groupId, options.topic);
  } finally {
    await admin.close();
  }
  const endOffsets = Object.fromEntries([...ends].map(([p, o]) => [p, o.toString()]));
  // Partitions with something left between the group's position and the end.
  const pending = new Set([...ends].filter(([p, end]) => end > 0n && (committed.get(p) ?? -1n) < end).map(([p]) => p));
  if (pending.size === 0) return { read: 0, endOffsets };

  let read = 0;
  let budget = options.max ?? Number.POSITIVE_INFINITY;
  let finish: () => void = () => undefined;
  let fail: (e: unknown) => void = () => undefined;
  const finished = new Promise<void>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  const consumer = kafka.consumer(
    {
      groupId: options.groupId,
      topics: [options.topic],
      sessionTimeoutMs: 10_000,
      heartbeatIntervalMs: 1_000,
      partitionsConsumedConcurrently: 1,
      fromBeginning: true,
      maxWaitMs: 100,
      // Stopping before the last commit landed would lose it (kafkajs drops commits once stopping).
      onCommitted: (partition, next) => {
        if (next >= (ends.get(partition) ?? 0n) || budget <= 0) pending.delete(partition);
        if (pending.size === 0 || budget <= 0) finish();
      },
    },
    (state, error) => {
      if (state === 'crashed') fail(error);
    },
  );
  const timer = setTimeout(() => fail(new Error(`end of ${options.topic} not reached within ${options.timeoutMs ?? 120_000} ms`)), options.timeoutMs ?? 120_000);
  try {
    await consumer.start(async (batch) => {
      if (!pending.has(batch.partition) || budget <= 0) return 'abandon';
      const end = ends.get(batch.partition) ?? 0n;
      const records = batch.records.filter((r) => BigInt(r.offset) < end).slice(0, budget);
      if (records.length > 0) await handle({ topic: batch.topic, partition: batch.partition, records });
      read += records.length;
      budget -= records.length;
      const last = records[records.length - 1];
      if (!last) return 'abandon';
      return { through: last.offset };
    });
    await finished;
  } finally {
    clearTimeout(timer);
    await consumer.stop();
  }
  return { read, endOffsets };
}
