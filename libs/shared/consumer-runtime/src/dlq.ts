import { deadLetterTopic, retryTopic } from '@wahooks/events-contract';
import type { ConsumedRecord, OutgoingRecord } from '@wahooks/kafka';

import type { Classified } from './failure-policy';

/** Headers of a dead letter: where the record came from, which group failed it, and why. */
export const DlqHeaders = {
  originTopic: 'wahooks-dlq-origin-topic',
  originPartition: 'wahooks-dlq-origin-partition',
  originOffset: 'wahooks-dlq-origin-offset',
  consumerGroup: 'wahooks-dlq-consumer-group',
  error: 'wahooks-dlq-error',
  errorName: 'wahooks-dlq-error-name',
  /** poison, timeout, unknown: see failure-policy.ts. */
  errorClass: 'wahooks-dlq-error-class',
  errorCode: 'wahooks-dlq-error-code',
  /** `poison` (proven about the record) or `parked` (the same failure repeated while other records were handled). */
  disposition: 'wahooks-dlq-disposition',
  attempts: 'wahooks-dlq-attempts',
  failedAt: 'wahooks-dlq-failed-at',
  /** How many times the record was replayed before this failure (0 for a first failure). */
  replays: 'wahooks-dlq-replays',
} as const;

/** Why these headers are not the record's own: they describe a failure, and a replay leaves them behind. */
const FAILURE_HEADERS = new Set<string>([DlqHeaders.consumerGroup, DlqHeaders.error, DlqHeaders.errorName, DlqHeaders.errorClass, DlqHeaders.errorCode, DlqHeaders.disposition, DlqHeaders.attempts, DlqHeaders.failedAt]);

export type Disposition = 'poison' | 'parked';

export interface Origin {
  topic: string;
  partition: number;
  offset: string;
}

/**
 * Where a record really came from: its own coordinates, or, for a record
 * replayed through the group's retry topic, the ones its dead letter kept.
 */
export function originOf(record: ConsumedRecord): Origin {
  const topic = record.headers[DlqHeaders.originTopic];
  if (!topic) return { topic: record.topic, partition: record.partition, offset: record.offset };
  return { topic, partition: Number(record.headers[DlqHeaders.originPartition] ?? -1), offset: record.headers[DlqHeaders.originOffset] ?? '-1' };
}

export function deadLetterFor(
  record: ConsumedRecord,
  groupId: string,
  error: unknown,
  classified: Classified,
  disposition: Disposition,
  attempts: number,
  now = new Date(),
): OutgoingRecord {
  const err = error instanceof Error ? error : new Error(String(error));
  const origin = originOf(record);
  const own = Object.fromEntries(Object.entries(record.headers).filter(([name]) => !FAILURE_HEADERS.has(name)));
  return {
    topic: deadLetterTopic(groupId),
    key: record.key ?? '',
    value: record.value ?? Buffer.alloc(0),
    headers: {
      ...own,
      [DlqHeaders.originTopic]: origin.topic,
      [DlqHeaders.originPartition]: String(origin.partition),
      [DlqHeaders.originOffset]: origin.offset,
      [DlqHeaders.consumerGroup]: groupId,
      [DlqHeaders.error]: err.message.slice(0, 2000),
      [DlqHeaders.errorName]: err.name,
      [DlqHeaders.errorClass]: classified.class,
      [DlqHeaders.errorCode]: classified.code ?? '',
      [DlqHeaders.disposition]: disposition,
      [DlqHeaders.attempts]: String(attempts),
      [DlqHeaders.failedAt]: now.toISOString(),
      [DlqHeaders.replays]: record.headers[DlqHeaders.replays] ?? '0',
    },
  };
}

/**
 * The record a replay writes for a dead letter: to the failed group's retry
 * topic only, with the record's own headers and its origin, the failure
 * headers dropped and the replay counted.
 */
export function retryRecordFor(letter: ConsumedRecord): OutgoingRecord {
  const group = letter.headers[DlqHeaders.consumerGroup];
  if (!group) throw new Error(`dead letter ${letter.partition}/${letter.offset} names no consumer group (${DlqHeaders.consumerGroup})`);
  const origin = originOf(letter);
  const own = Object.fromEntries(Object.entries(letter.headers).filter(([name]) => !FAILURE_HEADERS.has(name)));
  return {
    topic: retryTopic(group),
    key: letter.key ?? '',
    value: letter.value ?? Buffer.alloc(0),
    headers: {
      ...own,
      [DlqHeaders.originTopic]: origin.topic,
      [DlqHeaders.originPartition]: String(origin.partition),
      [DlqHeaders.originOffset]: origin.offset,
      [DlqHeaders.replays]: String(Number(letter.headers[DlqHeaders.replays] ?? '0') + 1),
    },
  };
}

/** The record's own headers, without anything the dead-letter path added. */
export function stripDlqHeaders(headers: Record<string, string>): Record<string, string> {
  const dlq = new Set<string>(Object.values(DlqHeaders));
  return Object.fromEntries(Object.entries(headers).filter(([k]) => !dlq.has(k)));
}
