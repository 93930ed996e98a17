import type { KafkaMessage } from 'kafkajs';

/** One Kafka record as handlers see it: client-neutral, headers decoded, topic logical. */
export interface ConsumedRecord {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: Buffer | null;
  headers: Record<string, string>;
  /** Broker timestamp, ms since epoch. */
  timestamp: number;
}

/** What a batch handler receives: records of one partition, in offset order. */
export interface RecordBatch {
  /** The logical topic whose handler takes these records (for retried dead letters: their origin). */
  topic: string;
  partition: number;
  records: ConsumedRecord[];
}

export function toConsumedRecord(topic: string, partition: number, message: Pick<KafkaMessage, 'offset' | 'key' | 'value' | 'headers' | 'timestamp'>): ConsumedRecord {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(message.headers ?? {})) {
    const first = Array.isArray(value) ? value[0] : value;
    if (first !== undefined) headers[name] = first.toString();
  }
  return {
    topic,
    partition,
    offset: message.offset,
    key: message.key ? message.key.toString() : null,
    value: message.value,
    headers,
    timestamp: Number(message.timestamp),
  };
}
