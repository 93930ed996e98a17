import type { IHeaders } from 'kafkajs';

import { deadLetterTopic } from '@wahooks/events-contract';

import { ConsumedRecord } from './consumed-record';

/** Headers added to a dead letter: where it came from and why it failed. */
export const DlqHeaders = {
  originTopic: 'wahooks-dlq-origin-topic',
  originPartition: 'wahooks-dlq-origin-partition',
  originOffset: 'wahooks-dlq-origin-offset',
  consumerGroup: 'wahooks-dlq-consumer-group',
  error: 'wahooks-dlq-error',
  errorName: 'wahooks-dlq-error-name',
  attempts: 'wahooks-dlq-attempts',
  failedAt: 'wahooks-dlq-failed-at',
} as const;

export function deadLetterFor(record: ConsumedRecord, groupId: string, error: unknown, attempts: number) {
  const err = error instanceof Error ? error : new Error(String(error));
  const headers: IHeaders = {
    ...record.headers,
    [DlqHeaders.originTopic]: record.topic,
    [DlqHeaders.originPartition]: String(record.partition),
    [DlqHeaders.originOffset]: record.offset,
    [DlqHeaders.consumerGroup]: groupId,
    [DlqHeaders.error]: err.message.slice(0, 2000),
    [DlqHeaders.errorName]: err.name,
    [DlqHeaders.attempts]: String(attempts),
    [DlqHeaders.failedAt]: new Date().toISOString(),
  };
  return { topic: deadLetterTopic(record.topic), key: record.key, value: record.value, headers };
}

/** The original headers of a dead letter, for replay. */
export function stripDlqHeaders(headers: Record<string, string>): Record<string, string> {
  const dlq = new Set<string>(Object.values(DlqHeaders));
  return Object.fromEntries(Object.entries(headers).filter(([k]) => !dlq.has(k)));
}
