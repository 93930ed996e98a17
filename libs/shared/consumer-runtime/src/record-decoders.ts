import { acceptedMessageV1, AcceptedMessageV1, RawHeaders } from '@wahooks/events-contract';
import { MetaEvent, normalizeEnvelope, parseWebhookBody } from '@wahooks/meta-contract';

import { ConsumedRecord } from './consumed-record';
import { PoisonRecordError } from './failure-policy';

/**
 * A `whatsapp.webhooks.raw.v1` record as every consumer reads it: the tenant
 * from the intake's header and Meta's delivery normalized into events. A
 * record that can never be read is poison (dead-lettered), not retried.
 */
export function decodeRawWebhook(record: ConsumedRecord): { tenantId: string; events: MetaEvent[] } {
  const tenantId = record.headers[RawHeaders.tenantId];
  if (!tenantId || !record.value) throw new PoisonRecordError(`record ${record.partition}/${record.offset} has no tenant or no body`);
  const parsed = parseWebhookBody(record.value);
  if (!parsed.ok) throw new PoisonRecordError(`record ${record.partition}/${record.offset}: ${parsed.error.message}`);
  return { tenantId, events: normalizeEnvelope(parsed.envelope) };
}

/** A `whatsapp.messages.accepted.v1` record: tenant from the header (or key), payload validated. */
export function decodeAcceptedMessage(record: ConsumedRecord): { tenantId: string; accepted: AcceptedMessageV1 } {
  const tenantId = record.headers[RawHeaders.tenantId] ?? record.key;
  if (!tenantId) throw new PoisonRecordError(`accepted record ${record.offset} names no tenant`);
  let body: unknown;
  try {
    body = JSON.parse(record.value?.toString('utf8') ?? '');
  } catch {
    throw new PoisonRecordError(`accepted record ${record.offset} is not JSON`);
  }
  const parsed = acceptedMessageV1.safeParse(body);
  if (!parsed.success) {
    throw new PoisonRecordError(`accepted record ${record.offset}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  return { tenantId, accepted: parsed.data };
}
