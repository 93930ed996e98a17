import { randomBytes } from 'node:crypto';

import { DlqHeaders, originOf, retryRecordFor } from './dlq';
import { ConsumedRecord, readToEnd, type KafkaClients } from '@wahooks/kafka';

export interface ReplayOptions {
  /** The dead-letter topic: `<group>.dlq` (or an older `<topic>.dlq`, whose letters name their group). */
  dlqTopic: string;
  /** The replayer's consumer group: its committed offsets remember what was replayed. */
  replayerGroup: string;
  /** Lists every letter up to the end (from the start of the topic) and writes nothing. */
  dryRun: boolean;
  /** Replays at most this many letters; the rest stay for the next run. */
  max: number;
  timeoutMs: number;
}

export interface ReplayReport {
  /** Letters read (up to the end offsets the run started with). */
  read: number;
  /** Records written to retry topics (a dry run: would write): never more than `read`. */
  replayed: number;
  byGroup: Record<string, number>;
  byOrigin: Record<string, number>;
  byDisposition: Record<string, number>;
  /** Letters that name no consumer group: left where they are. */
  skipped: number;
  endOffsets: Record<number, string>;
}

/**
 * Puts dead letters back in front of the consumer group that failed them,
 * and only that group: each letter becomes a record of `<group>.retry`
 * (its key, value and own headers, its origin kept, its replays counted),
 * which the group consumes with the handler of the letter's origin topic.
 * The run reads up to the end offsets the topic had when it started, so a
 * letter that fails again (and is dead-lettered again, after that end) waits
 * for the next run instead of looping: a run writes at most what it read.
 * Offsets are committed as letters are written, so the next run continues
 * where this one stopped.
 */
export async function replayDeadLetters(kafka: KafkaClients, options: ReplayOptions): Promise<ReplayReport> {
  const report: ReplayReport = { read: 0, replayed: 0, byGroup: {}, byOrigin: {}, byDisposition: {}, skipped: 0, endOffsets: {} };
  const producer = kafka.producer('dlq-replay', { lingerMs: 0, maxBatch: 100, publishTimeoutMs: 30_000 });
  const bump = (m: Record<string, number>, k: string) => (m[k] = (m[k] ?? 0) + 1);
  // A dry run must not move the replayer's position: it reads with a group of its own, from the start.
  const groupId = options.dryRun ? `${options.replayerGroup}-dry-run-${randomBytes(4).toString('hex')}` : options.replayerGroup;
  try {
    if (!options.dryRun) await producer.connect();
    const read = await readToEnd(kafka, { topic: options.dlqTopic, groupId, timeoutMs: options.timeoutMs, max: options.max }, async (batch) => {
      const writes: Array<Promise<void>> = [];
      for (const letter of batch.records) {
        report.read++;
        const retry = replayable(letter);
        if (!retry) {
          report.skipped++;
          continue;
        }
        bump(report.byGroup, letter.headers[DlqHeaders.consumerGroup] ?? '');
        bump(report.byOrigin, originOf(letter).topic);
        bump(report.byDisposition, letter.headers[DlqHeaders.disposition] ?? 'poison');
        if (!options.dryRun) writes.push(producer.publish(retry));
        report.replayed++;
      }
      // Every write acknowledged before the reader commits past these letters.
      await Promise.all(writes);
    });
    report.endOffsets = read.endOffsets;
  } finally {
    await producer.close();
  }
  return report;
}

function replayable(letter: ConsumedRecord) {
  try {
    return retryRecordFor(letter);
  } catch {
    return undefined;
  }
}
