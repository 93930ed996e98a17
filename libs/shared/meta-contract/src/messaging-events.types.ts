import type { Contact, Conversation, MessageContext, MetaError, Pricing, Referral } from './common.types';
import type { MessageContent } from './message-content.types';
import type { EventBase } from './meta-event.types';

/** A message a user sent to the business (`messages` field, `messages[]`). */
export interface InboundMessageEvent extends EventBase {
  readonly kind: 'message.inbound';
  readonly itemIndex: number;
  readonly wamid: string;
  /** The wire `type`, kept verbatim even when `content.type` is `unknown` or `unsupported`. */
  readonly messageType: string | undefined;
  readonly content: MessageContent;
  /** Sender's phone-based id; absent for BSUID-only users. */
  readonly from: string | undefined;
  readonly fromUserId: string | undefined;
  readonly fromParentUserId: string | undefined;
  /** Unix seconds. */
  readonly timestamp: number | undefined;
  readonly context: MessageContext | undefined;
  readonly referral: Referral | undefined;
  readonly errors: readonly MetaError[];
  /** Set for messages sent in a group chat. */
  readonly groupId: string | undefined;
  /** The `contacts[]` entry of the sender; system messages have none. */
  readonly contact: Contact | undefined;
}

/** `played` is the first play of a voice message (Nov 2025); other strings map to `unknown`. */
export type MessageStatus = 'sent' | 'delivered' | 'read' | 'failed' | 'played' | 'unknown';

/** A delivery status of a message the business sent (`messages` field, `statuses[]`). */
export interface MessageStatusEvent extends EventBase {
  readonly kind: 'message.status';
  readonly itemIndex: number;
  readonly wamid: string;
  readonly status: MessageStatus;
  /** The wire value, kept for statuses this library does not know. */
  readonly rawStatus: string;
  /** Unix seconds; order statuses by this, never by arrival. */
  readonly timestamp: number | undefined;
  readonly recipientId: string | undefined;
  readonly recipientUserId: string | undefined;
  readonly parentRecipientUserId: string | undefined;
  /** `group` for group messages, where `recipientId` is the group. */
  readonly recipientType: string | undefined;
  readonly recipientParticipantId: string | undefined;
  readonly recipientParticipantUserId: string | undefined;
  readonly recipientIdentityKeyHash: string | undefined;
  readonly conversation: Conversation | undefined;
  readonly pricing: Pricing | undefined;
  readonly errors: readonly MetaError[];
  readonly bizOpaqueCallbackData: string | undefined;
  readonly contact: Contact | undefined;
}

/**
 * `value.errors` of a messaging field. Meta does not tie them to an item, so
 * they are one event per change; `relatedIds` lists the ids of the items of
 * the same change (empty for the out-of-band kind, e.g. 130429 throughput).
 */
export interface MessageErrorsEvent extends EventBase {
  readonly kind: 'message.errors';
  readonly errors: readonly MetaError[];
  readonly relatedIds: readonly string[];
}

/** A message the business sent outside this integration: `smb_message_echoes` (Business app, coexistence) or `message_echoes`. */
export interface MessageEchoEvent extends EventBase {
  readonly kind: 'message.echo';
  readonly itemIndex: number;
  readonly wamid: string;
  readonly messageType: string | undefined;
  readonly content: MessageContent;
  /** The business number. */
  readonly from: string | undefined;
  readonly to: string | undefined;
  readonly toUserId: string | undefined;
  readonly toParentUserId: string | undefined;
  readonly timestamp: number | undefined;
  readonly context: MessageContext | undefined;
}

export interface HistoryMessage {
  readonly wamid: string | undefined;
  readonly from: string | undefined;
  /** Only on messages the business sent. */
  readonly to: string | undefined;
  readonly timestamp: number | undefined;
  /** `media_placeholder` when the media follows in a separate `history` webhook. */
  readonly messageType: string | undefined;
  readonly content: MessageContent;
  /** `history_context.status`: DELIVERED, ERROR, PENDING, PLAYED, READ, SENT. */
  readonly status: string | undefined;
  readonly raw: unknown;
}

export interface HistoryThread {
  /** The WhatsApp user's phone number. */
  readonly threadId: string | undefined;
  readonly messages: readonly HistoryMessage[];
}

/**
 * Coexistence chat-history sync. These are past messages: they must not be
 * treated as new inbound traffic (no auto-replies, no service windows).
 */
export type HistoryEvent =
  | (EventBase & {
      readonly kind: 'history';
      /** One `history[]` element: a chunk of threads, or the errors of a declined sync. */
      readonly variant: 'chunk';
      readonly itemIndex: number;
      /** 0, 1, 2; chunks may arrive out of order, use `chunkOrder`. */
      readonly phase: number | undefined;
      readonly chunkOrder: number | undefined;
      /** 0–100; 100 means the sync is complete. */
      readonly progress: number | undefined;
      readonly threads: readonly HistoryThread[];
      readonly errors: readonly MetaError[];
    })
  | (EventBase & {
      readonly kind: 'history';
      /** A follow-up webhook with the content of a `media_placeholder` message. */
      readonly variant: 'media';
      readonly itemIndex: number;
      readonly message: HistoryMessage;
    });

export type CallEventType = 'connect' | 'terminate' | 'status' | 'unknown';

/** Calling API (`calls` field): `calls[]` items (connect, terminate) and call `statuses[]`. */
export interface CallEvent extends EventBase {
  readonly kind: 'calls';
  readonly itemIndex: number;
  /** `wacid.…` */
  readonly callId: string;
  readonly callEvent: CallEventType;
  /** `event` of a `calls[]` item, or `status` for a call status. */
  readonly rawEvent: string | undefined;
  /** BUSINESS_INITIATED or USER_INITIATED. */
  readonly direction: string | undefined;
  readonly from: string | undefined;
  readonly to: string | undefined;
  readonly timestamp: number | undefined;
  /** RINGING, ACCEPTED, COMPLETED, FAILED… */
  readonly status: string | undefined;
  readonly startTime: number | undefined;
  readonly endTime: number | undefined;
  readonly durationSeconds: number | undefined;
  readonly session: { readonly sdp: string | undefined; readonly sdpType: string | undefined } | undefined;
  /** Recipient of a call status. */
  readonly recipientId: string | undefined;
  readonly bizOpaqueCallbackData: string | undefined;
  readonly errors: readonly MetaError[];
  readonly contact: Contact | undefined;
}

/** `signup` arrives when a user opts in through a signup link. */
export type MarketingPreference = 'stop' | 'resume' | 'signup' | 'unknown';

/** A user's marketing-message preference (`user_preferences` field); pairs with error 131050. */
export interface UserPreferenceEvent extends EventBase {
  readonly kind: 'user_preferences';
  readonly itemIndex: number;
  readonly waId: string | undefined;
  readonly userId: string | undefined;
  /** `marketing_messages` today. */
  readonly category: string | undefined;
  readonly preference: MarketingPreference;
  readonly rawValue: string | undefined;
  readonly detail: string | undefined;
  readonly timestamp: number | undefined;
}

export type GroupEventKind = 'group.lifecycle' | 'group.participants' | 'group.settings' | 'group.status';

/** Groups API fields, one event per `groups[]` item; the typed part is what all four share. */
export interface GroupEvent extends EventBase {
  readonly kind: GroupEventKind;
  readonly itemIndex: number;
  readonly groupId: string | undefined;
  /** The item's `type` (group_create, group_settings_update…). */
  readonly groupEventType: string | undefined;
  readonly timestamp: number | undefined;
  /** Echo of the request that caused the change; absent for user-driven changes. */
  readonly requestId: string | undefined;
  readonly errors: readonly MetaError[];
}

/** `add` covers both added and edited contacts (Meta does not tell them apart); other strings map to `unknown`. */
export type ContactSyncAction = 'add' | 'remove' | 'unknown';

/**
 * WhatsApp Business app coexistence (`smb_app_state_sync`), one event per
 * `state_sync[]` item of type `contact`: the business's own address book,
 * synced once after onboarding and then on every add, edit and remove.
 */
export interface ContactSyncEvent extends EventBase {
  readonly kind: 'contact.sync';
  readonly itemIndex: number;
  readonly action: ContactSyncAction;
  /** The wire `action`, kept for values this library does not know. */
  readonly rawAction: string | undefined;
  /** The contact's WhatsApp phone number; absent for BSUID-only contacts. */
  readonly phoneNumber: string | undefined;
  readonly userId: string | undefined;
  readonly parentUserId: string | undefined;
  readonly username: string | undefined;
  /** As written in the business's address book; Meta leaves the names out on `remove`. */
  readonly fullName: string | undefined;
  readonly firstName: string | undefined;
  /** `metadata.timestamp`, Unix seconds (a string on the wire). */
  readonly timestamp: number | undefined;
}

/** `LeadSubmitted` → `lead`, `Purchase` → `purchase` (case-insensitive); anything else `unknown`. */
export type AdConversionType = 'lead' | 'purchase' | 'unknown';

/**
 * `automatic_events`, one event per item: Meta detected a lead or a purchase
 * in a thread that a Click-to-WhatsApp ad started (the business opted in to
 * Automatic Events). Report it on through the Conversions API.
 */
export interface AdConversionEvent extends EventBase {
  readonly kind: 'ad.conversion';
  readonly itemIndex: number;
  /** `id`: the wamid of the message the event was detected in. */
  readonly wamid: string | undefined;
  readonly conversion: AdConversionType;
  /** The wire `event_name` (`LeadSubmitted`, `Purchase`), kept verbatim. */
  readonly eventName: string;
  /** Unix seconds. */
  readonly timestamp: number | undefined;
  /** The ad click id (Conversions API match key); omitted for WhatsApp Status ad placements. */
  readonly ctwaClid: string | undefined;
  /** Purchase events only. */
  readonly customData:
    | {
        readonly currency: string | undefined;
        /** As sent: Meta documents it as the price multiplied by 1000 (25000 = 25.00). */
        readonly value: number | undefined;
        /** `value / 1000`. */
        readonly amount: number | undefined;
      }
    | undefined;
}

/**
 * A user's interaction with a marketing message (Marketing Messages API), one
 * event per `user_actions[]` item. Meta documents these on the `messages`
 * field; the `tracking_events` field is read with the same shape.
 */
export interface MarketingUserActionEvent extends EventBase {
  readonly kind: 'marketing.user_action';
  readonly itemIndex: number;
  /** `marketing_messages_link_click`, `landing_page_view`, or an action Meta has not documented yet. */
  readonly actionType: string;
  /** Unix seconds (a string or an int on the wire). */
  readonly timestamp: number | undefined;
  /** `cta` or `body`. */
  readonly clickComponent: string | undefined;
  readonly productId: string | undefined;
  /** Also appended to the URL the user opened. */
  readonly clickId: string | undefined;
  readonly trackingToken: string | undefined;
}
