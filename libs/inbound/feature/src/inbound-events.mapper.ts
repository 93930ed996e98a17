import type { EventMetadata, NewEvent, RecordedEvent } from '@wahooks/event-store';
import type { Contact, InboundMessageEvent, MessageContent, MessageContext, MessageErrorsEvent, MetaError, Referral, UnknownEvent } from '@wahooks/meta-contract';

export const INBOUND_SCHEMA_VERSION = 1;

/** Event types of this service. The `inbound.` prefix keeps them apart from other services' folds. */
export const InboundEventTypes = {
  received: 'inbound.message.received',
  /** `value.errors` of a `messages` change (out-of-band, e.g. 130429, or about a message). */
  errors: 'inbound.errors.received',
  /** Something in a `messages` change the contract could not read; kept with its raw JSON. */
  unknown: 'inbound.unknown.received',
  mediaStored: 'inbound.media.stored',
  mediaFailed: 'inbound.media.failed',
} as const;

export const inboundStream = (wamid: string): string => `inbound:${wamid}`;

/** `inbound.message.received` data: the contract's reading of the message, minus delivery positions. */
export interface InboundMessageData {
  wamid: string;
  wabaId: string;
  phoneNumberId: string | null;
  displayPhoneNumber: string | null;
  /** The wire `type`, verbatim. */
  messageType: string | null;
  content: MessageContent;
  from: string | null;
  fromUserId: string | null;
  fromParentUserId: string | null;
  /** Unix seconds as Meta sent them; null when absent. */
  timestamp: number | null;
  /** When intake accepted the delivery (ms); the clock of last resort. */
  receivedAtMs: number | null;
  context: MessageContext | null;
  referral: Referral | null;
  errors: readonly MetaError[];
  groupId: string | null;
  contact: Contact | null;
  /** Only for content this service cannot type (unknown, unsupported): the message as sent. */
  raw?: unknown;
}

export function fromMetaInbound(e: InboundMessageEvent, receivedAtMs: number | null): InboundMessageData {
  const keepRaw = e.content.type === 'unknown' || e.content.type === 'unsupported' || (e.content.type === 'interactive' && e.content.reply.type === 'other');
  return {
    wamid: e.wamid,
    wabaId: e.wabaId,
    phoneNumberId: e.phoneNumberId ?? null,
    displayPhoneNumber: e.displayPhoneNumber ?? null,
    messageType: e.messageType ?? null,
    content: e.content,
    from: e.from ?? null,
    fromUserId: e.fromUserId ?? null,
    fromParentUserId: e.fromParentUserId ?? null,
    timestamp: e.timestamp ?? null,
    receivedAtMs,
    context: e.context ?? null,
    referral: e.referral ?? null,
    errors: e.errors,
    groupId: e.groupId ?? null,
    contact: e.contact ?? null,
    ...(keepRaw ? { raw: e.raw } : {}),
  };
}

/** Meta's time of a message; intake's receive time (then the store's) when Meta sent none. */
export function messageTimeMs(d: InboundMessageData, recordedAt: Date): { atMs: number; source: 'meta' | 'received' } {
  if (d.timestamp !== null) return { atMs: d.timestamp * 1000, source: 'meta' };
  return { atMs: d.receivedAtMs ?? recordedAt.getTime(), source: 'received' };
}

export function receivedEvent(tenantId: string, e: InboundMessageEvent, metadata: EventMetadata, receivedAtMs: number | null): NewEvent {
  return {
    tenantId,
    streamId: inboundStream(e.wamid),
    type: InboundEventTypes.received,
    schemaVersion: INBOUND_SCHEMA_VERSION,
    data: fromMetaInbound(e, receivedAtMs),
    idempotencyKey: e.idempotencyKey,
    metadata: { ...metadata, wamid: e.wamid },
  };
}

export function errorsEvent(tenantId: string, e: MessageErrorsEvent, metadata: EventMetadata): NewEvent {
  return {
    tenantId,
    streamId: `inbound-errors:${e.phoneNumberId ?? e.wabaId}`,
    type: InboundEventTypes.errors,
    schemaVersion: INBOUND_SCHEMA_VERSION,
    data: { wabaId: e.wabaId, phoneNumberId: e.phoneNumberId ?? null, errors: e.errors, relatedIds: e.relatedIds },
    idempotencyKey: e.idempotencyKey,
    metadata,
  };
}

export function unknownEvent(tenantId: string, e: UnknownEvent, metadata: EventMetadata): NewEvent {
  return {
    tenantId,
    streamId: `inbound-unknown:${e.phoneNumberId ?? e.wabaId}`,
    type: InboundEventTypes.unknown,
    schemaVersion: INBOUND_SCHEMA_VERSION,
    data: { wabaId: e.wabaId, phoneNumberId: e.phoneNumberId ?? null, reason: e.reason, detail: e.detail ?? null, raw: e.raw },
    idempotencyKey: e.idempotencyKey,
    metadata,
  };
}

export const asMessageData = (e: RecordedEvent): InboundMessageData => e.data as InboundMessageData;
