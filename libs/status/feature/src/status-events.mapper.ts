import type { AcceptedMessageV1 } from '@wahooks/events-contract';
import type { MessageStatusEvent } from '@wahooks/meta-contract';
import type { AcceptedEvent, MetaStatusEvent, StatusEvent, UnknownStatusEvent } from '@wahooks/status-domain';

/** Event-store types written by the status projector. */
export const StatusEventTypes = {
  accepted: 'message.accepted',
  status: (status: string) => `message.status.${status}`,
  stalled: 'message.stalled',
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
