import type { AcceptedMessageV1 } from '@wahooks/events-contract';
import type { AdConversionEvent, MessageStatusEvent, MetaEvent } from '@wahooks/meta-contract';
import type { AcceptedEvent, ConversionEvent, MetaStatusEvent, StatusEvent, UnknownStatusEvent } from '@wahooks/status-domain';

/** Event-store types written by the status projector. */
export const StatusEventTypes = {
  accepted: 'message.accepted',
  status: (status: string) => `message.status.${status}`,
  stalled: 'message.stalled',
  /** A lead or purchase Meta detected in the message (`automatic_events`). */
  conversion: 'message.conversion',
} as const;

export const STATUS_SCHEMA_VERSION = 1;

export const messageStream = (wamid: string): string => `message:${wamid}`;

type Stored<E> = Omit<E, 'eventId' | 'arrivalSeq'>;

/**
 * Only the meaning of a status goes into the stored event: no raw payload,
 * no delivery positions. Meta's retries of the same status then store
 * identical data under the same key (a duplicate, skipped), instead of
 * showing up as conflicting copies.
 */
export function fromMetaStatus(e: MessageStatusEvent): Stored<MetaStatusEvent> | Stored<UnknownStatusEvent> {
  const common = {
    wamid: e.wamid,
    timestamp: e.timestamp,
    recipient: { id: e.recipientId, userId: e.recipientUserId },
    conversation: e.conversation,
    pricing: e.pricing,
    errors: e.errors,
    bizOpaqueCallbackData: e.bizOpaqueCallbackData,
  };
  return e.status === 'unknown' ? { ...common, status: 'unknown', rawStatus: e.rawStatus } : { ...common, status: e.status };
}

export function fromAccepted(tenantId: string, a: AcceptedMessageV1, recordedAtMs: number): Stored<AcceptedEvent> {
  return {
    status: 'accepted',
    wamid: a.wamid,
    tenantId,
    internalMessageId: a.internalMessageId,
    phoneNumberId: a.phoneNumberId,
    recipient: a.recipient,
    template: a.template,
    requestBody: a.request ?? null,
    responseBody: a.response ?? null,
    atMs: a.acceptedAt ? Date.parse(a.acceptedAt) : recordedAtMs,
  };
}

export const isStatus = (e: MetaEvent): e is MessageStatusEvent => e.kind === 'message.status';

/** Without a wamid (Meta's item had no `id`) there is no message to put it on: it stays on the raw topic only. */
export const isMessageConversion = (e: MetaEvent): e is AdConversionEvent & { wamid: string } => e.kind === 'ad.conversion' && e.wamid !== undefined;

/** What a conversion event stores: its meaning, and where Meta said it (for the published event). */
export type StoredConversion = Omit<ConversionEvent, 'eventId'> & { wabaId: string; phoneNumberId: string | null };

/**
 * An `automatic_events` item about a message. Only items that name their
 * message (`id`) have a stream to go on; the others stay on the raw topic.
 */
export function fromAdConversion(e: AdConversionEvent & { wamid: string }): StoredConversion {
  return {
    type: 'conversion',
    wamid: e.wamid,
    kind: e.conversion,
    eventName: e.eventName,
    atMs: e.timestamp !== undefined ? e.timestamp * 1000 : undefined,
    ctwaClid: e.ctwaClid,
    currency: e.customData?.currency,
    value: e.customData?.value,
    wabaId: e.wabaId,
    phoneNumberId: e.phoneNumberId ?? null,
  };
}

/** A stored conversion back into the domain: only the fields the state folds, the key as its identity. */
export function toConversionEvent(stored: { data: unknown; idempotencyKey: string }): ConversionEvent {
  const d = stored.data as StoredConversion;
  return jsonSafe({ type: 'conversion', eventId: stored.idempotencyKey, wamid: d.wamid, kind: d.kind, eventName: d.eventName, atMs: d.atMs, ctwaClid: d.ctwaClid, currency: d.currency, value: d.value });
}

/**
 * A stored event back into the domain: the idempotency key is the event's
 * identity and the global position its arrival order, both the same in live
 * processing and in a rebuild.
 */
export function toStatusEvent(stored: { data: unknown; idempotencyKey: string; globalPosition: bigint }): StatusEvent {
  return { ...(stored.data as Stored<StatusEvent>), eventId: stored.idempotencyKey, arrivalSeq: Number(stored.globalPosition) } as StatusEvent;
}

/** JSON.stringify drops undefined; jsonb round trips must compare equal to what live processing held. */
export function jsonSafe<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
