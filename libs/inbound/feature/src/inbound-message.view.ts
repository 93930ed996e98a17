import type { MessageContext as ConversationContext, WindowView } from '@wahooks/inbound-domain';
import type { MessageContent, MetaError, Referral } from '@wahooks/meta-contract';

import type { InboundMessageData } from './inbound-events.mapper';

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/**
 * `whatsapp.inbound.messages.v1` (key = tenant id), and what the read API
 * returns for a message: the message normalized, with its conversation
 * context as it stood when the message was processed.
 */
export interface InboundMessageV1 {
  schemaVersion: 1;
  tenantId: string;
  wamid: string;
  wabaId: string;
  phoneNumberId: string;
  displayPhoneNumber: string | null;
  conversationId: string;
  contactId: string;
  customer: { waId: string | null; userId: string | null; parentUserId: string | null; username: string | null; profileName: string | null };
  /** The normalized type; `wireType` is Meta's `type` verbatim. */
  type: MessageContent['type'];
  wireType: string | null;
  timestamp: string;
  /** `received` when Meta sent no timestamp and intake's clock was used. */
  timestampSource: 'meta' | 'received';
  content: MessageContent;
  context: {
    replyTo: { wamid: string; from: string | null; internalMessageId: string | null } | null;
    forwarded: boolean;
    frequentlyForwarded: boolean;
    referredProduct: { catalogId: string | null; productRetailerId: string | null } | null;
  } | null;
  referral: Referral | null;
  errors: readonly MetaError[];
  groupId: string | null;
  media: { id: string; mimeType: string | null; sha256: string | null } | null;
  conversation: {
    firstMessage: boolean;
    /** The window was open just before this message; null when unknowable (much older than the rest). */
    windowOpenBefore: boolean | null;
    /** This message opened a closed (or never opened) window. */
    reopened: boolean;
    window: { open: boolean; expiresAt: string | null };
    freeEntryPoint: { open: boolean; expiresAt: string } | null;
  };
  raw?: unknown;
  /**
   * Where text Postgres cannot store (U+0000, lone UTF-16 surrogates) was
   * replaced by U+FFFD (paths in the stored event's data, e.g. `content.body`);
   * the raw record on whatsapp.webhooks.raw.v1 keeps what the customer sent.
   */
  textRepaired?: string[];
  /**
   * Set on the published record only, when the whole view would not fit a
   * Kafka record: the content is left out and the full message is read
   * from `GET /v1/inbound/messages/<wamid>` (a 3 MB delivery can carry one
   * text of that size; the topics keep Kafka's 1 MiB record limit).
   */
  contentOmitted?: { bytes: number; readFrom: string };
}

/**
 * `whatsapp.inbound.contacts.v1` (key = tenant id): a message showed two
 * contacts to be one customer (a number change, a BSUID seen with a phone
 * number), and `fromContactId` was merged into `intoContactId`. From now on
 * the read API answers for `intoContactId` only, and on each business number
 * the conversation `from` became `into`, with the messages of both. A
 * consumer that keeps data by contact or conversation id moves it the same way.
 */
export interface ContactMergedV1 {
  schemaVersion: 1;
  type: 'contact.merged';
  tenantId: string;
  fromContactId: string;
  intoContactId: string;
  conversations: Array<{ phoneNumberId: string; from: string; into: string }>;
  /** The message whose processing found the two to be one. */
  causedByWamid: string;
}

/** `whatsapp.inbound.customer-replied.v1` (key = tenant id): stop follow-ups to this customer. */
export interface CustomerRepliedV1 {
  schemaVersion: 1;
  tenantId: string;
  phoneNumberId: string;
  conversationId: string;
  contactId: string;
  customer: { waId: string | null; userId: string | null };
  wamid: string;
  repliedAt: string;
  /** The outbound message this answers, when the customer used "reply" or a quick-reply button. */
  inReplyTo: { wamid: string; internalMessageId: string | null } | null;
  windowExpiresAt: string | null;
}

export interface ViewInput {
  tenantId: string;
  data: InboundMessageData;
  time: { atMs: number; source: 'meta' | 'received' };
  phoneNumberId: string;
  conversationId: string;
  contactId: string;
  customer: InboundMessageV1['customer'];
  media: InboundMessageV1['media'];
  replyToInternalId: string | null;
  context: ConversationContext;
  opensWindow: boolean;
  window: WindowView;
  /** From the stored event's metadata (see InboundMessageV1.textRepaired). */
  textRepaired?: string[] | undefined;
}

export function toView(i: ViewInput): InboundMessageV1 {
  const d = i.data;
  const c = d.context;
  return {
    schemaVersion: 1,
    tenantId: i.tenantId,
    wamid: d.wamid,
    wabaId: d.wabaId,
    phoneNumberId: i.phoneNumberId,
    displayPhoneNumber: d.displayPhoneNumber,
    conversationId: i.conversationId,
    contactId: i.contactId,
    customer: i.customer,
    type: d.content.type,
    wireType: d.messageType,
    timestamp: new Date(i.time.atMs).toISOString(),
    timestampSource: i.time.source,
    content: d.content,
    context: c
      ? {
          replyTo: c.id ? { wamid: c.id, from: c.from ?? null, internalMessageId: i.replyToInternalId } : null,
          forwarded: c.forwarded,
          frequentlyForwarded: c.frequentlyForwarded,
          referredProduct: c.referredProduct ? { catalogId: c.referredProduct.catalogId ?? null, productRetailerId: c.referredProduct.productRetailerId ?? null } : null,
        }
      : null,
    referral: d.referral,
    errors: d.errors,
    groupId: d.groupId,
    media: i.media,
    conversation: {
      firstMessage: i.context.firstMessage,
      windowOpenBefore: i.context.windowOpenBefore,
      reopened: i.opensWindow && i.context.windowOpenBefore === false,
      window: { open: i.window.open, expiresAt: iso(i.window.expiresAtMs) },
      freeEntryPoint: i.window.freeEntryPoint ? { open: i.window.freeEntryPoint.open, expiresAt: new Date(i.window.freeEntryPoint.expiresAtMs).toISOString() } : null,
    },
    ...(d.raw !== undefined ? { raw: d.raw } : {}),
    ...(i.textRepaired && i.textRepaired.length > 0 ? { textRepaired: i.textRepaired } : {}),
  };
}

/** Larger views are published without their content (and raw): see InboundMessageV1.contentOmitted. */
export const MAX_PUBLISHED_VIEW_BYTES = 512 * 1024;

/** The view as published on the messages topic: whole when it fits, else with its content left out and where to read it. */
export function publishedView(v: InboundMessageV1): InboundMessageV1 {
  const bytes = Buffer.byteLength(JSON.stringify(v));
  if (bytes <= MAX_PUBLISHED_VIEW_BYTES) return v;
  const { raw: _raw, ...rest } = v;
  return {
    ...rest,
    content: { type: v.content.type } as InboundMessageV1['content'],
    contentOmitted: { bytes, readFrom: `/v1/inbound/messages/${encodeURIComponent(v.wamid)}` },
  };
}

export function customerReplied(v: InboundMessageV1): CustomerRepliedV1 {
  return {
    schemaVersion: 1,
    tenantId: v.tenantId,
    phoneNumberId: v.phoneNumberId,
    conversationId: v.conversationId,
    contactId: v.contactId,
    customer: { waId: v.customer.waId, userId: v.customer.userId },
    wamid: v.wamid,
    repliedAt: v.timestamp,
    inReplyTo: v.context?.replyTo ? { wamid: v.context.replyTo.wamid, internalMessageId: v.context.replyTo.internalMessageId } : null,
    windowExpiresAt: v.conversation.window.expiresAt,
  };
}
