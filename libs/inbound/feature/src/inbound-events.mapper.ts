import type { EventMetadata, NewEvent, RecordedEvent } from '@wahooks/event-store';
import { addressBookIdentity } from '@wahooks/inbound-domain';
import type { Contact, ContactSyncAction, ContactSyncEvent, InboundMessageEvent, MessageContent, MessageContext, MessageErrorsEvent, MetaError, Referral, UnknownEvent } from '@wahooks/meta-contract';

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
  /** An address-book entry of the business's WhatsApp Business app added, edited or removed (`smb_app_state_sync`). */
  contactSynced: 'inbound.contact.synced',
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

/** `inbound.contact.synced` data: one address-book entry as the contract read it. */
export interface ContactSyncedData {
  wabaId: string;
  /** The business number whose app synced; null when Meta named none. */
  phoneNumberId: string | null;
  displayPhoneNumber: string | null;
  /** `wa:<phone>`, else `bsuid:<user id>` (as contacts name identities); null when the entry names neither. */
  identity: string | null;
  action: ContactSyncAction;
  /** The wire `action`, verbatim. */
  rawAction: string | null;
  phoneNumber: string | null;
  userId: string | null;
  parentUserId: string | null;
  username: string | null;
  fullName: string | null;
  firstName: string | null;
  /** `metadata.timestamp`, Unix seconds; null when absent. */
  timestamp: number | null;
  /** When intake accepted the delivery (ms); the clock of last resort. */
  receivedAtMs: number | null;
}

/**
 * Our key space for contact syncs: other services may store facts from the
 * same webhook under the contract's key, and theirs must not look like
 * duplicates of ours (nor ours of theirs).
 */
const CONTACT_SYNC_KEY_PREFIX = 'inbound-contact-sync:';
export const contactSyncStoreKey = (metaKey: string): string => `${CONTACT_SYNC_KEY_PREFIX}${metaKey}`;
/** The contract's key of a stored contact sync. */
export const contactSyncMetaKey = (storeKey: string): string => (storeKey.startsWith(CONTACT_SYNC_KEY_PREFIX) ? storeKey.slice(CONTACT_SYNC_KEY_PREFIX.length) : storeKey);

export const addressBookStream = (identity: string | null, phoneNumberId: string): string => (identity ? `address-book:${identity}` : `address-book:unidentified:${phoneNumberId}`);

export function contactSyncedEvent(tenantId: string, e: ContactSyncEvent, metadata: EventMetadata, receivedAtMs: number | null): NewEvent {
  const identity = addressBookIdentity(e) ?? null;
  const data: ContactSyncedData = {
    wabaId: e.wabaId,
    phoneNumberId: e.phoneNumberId ?? null,
    displayPhoneNumber: e.displayPhoneNumber ?? null,
    identity,
    action: e.action,
    rawAction: e.rawAction ?? null,
    phoneNumber: e.phoneNumber ?? null,
    userId: e.userId ?? null,
    parentUserId: e.parentUserId ?? null,
    username: e.username ?? null,
    fullName: e.fullName ?? null,
    firstName: e.firstName ?? null,
    timestamp: e.timestamp ?? null,
    receivedAtMs,
  };
  return {
    tenantId,
    streamId: addressBookStream(identity, e.phoneNumberId ?? e.wabaId),
    type: InboundEventTypes.contactSynced,
    schemaVersion: INBOUND_SCHEMA_VERSION,
    data,
    idempotencyKey: contactSyncStoreKey(e.idempotencyKey),
    metadata,
  };
}

/** Meta's time of a sync; intake's receive time (then the store's) when Meta sent none. */
export function syncTimeMs(d: ContactSyncedData, recordedAt: Date): number {
  return d.timestamp !== null ? d.timestamp * 1000 : (d.receivedAtMs ?? recordedAt.getTime());
}

export const asContactSyncedData = (e: RecordedEvent): ContactSyncedData => e.data as ContactSyncedData;
