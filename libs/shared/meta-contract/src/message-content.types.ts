/**
 * The type-specific part of a WhatsApp message (contract §6), shared by
 * inbound messages, SMB echoes and history messages. Discriminated on `type`;
 * wire types this library does not know become `unknown` and the event's
 * `raw` keeps the whole message.
 */

export interface Media {
  readonly id: string | undefined;
  readonly mimeType: string | undefined;
  readonly sha256: string | undefined;
  readonly caption: string | undefined;
  /** Download URL; rolling out since Nov 2025, absent on older payloads. */
  readonly url: string | undefined;
}

export interface SharedContactPhone {
  readonly phone: string | undefined;
  readonly waId: string | undefined;
  readonly type: string | undefined;
}

export interface SharedContact {
  readonly formattedName: string | undefined;
  readonly phones: readonly SharedContactPhone[];
  /** The vCard-like object as sent (addresses, emails, org, urls, birthday…). */
  readonly raw: unknown;
}

export interface OrderItem {
  readonly productRetailerId: string | undefined;
  readonly quantity: number | undefined;
  readonly itemPrice: number | undefined;
  readonly currency: string | undefined;
}

export type InteractiveReply =
  | { readonly type: 'button_reply'; readonly id: string | undefined; readonly title: string | undefined }
  | {
      readonly type: 'list_reply';
      readonly id: string | undefined;
      readonly title: string | undefined;
      readonly description: string | undefined;
    }
  | {
      readonly type: 'nfm_reply';
      readonly name: string | undefined;
      readonly body: string | undefined;
      /** The flow's answers exactly as sent: a JSON document inside a string. */
      readonly responseJson: string | undefined;
      /** `responseJson` parsed; `undefined` when it is missing or not valid JSON. */
      readonly response: unknown;
      readonly flowToken: string | undefined;
    }
  | {
      readonly type: 'call_permission_reply';
      readonly response: string | undefined;
      readonly expirationTimestamp: number | undefined;
      readonly responseSource: string | undefined;
    }
  | { readonly type: 'payment_method'; readonly raw: unknown }
  /** Any other or missing `interactive.type`; `raw` is the `interactive` object. */
  | { readonly type: 'other'; readonly interactiveType: string | undefined; readonly raw: unknown };

export type SystemMessageType = 'user_changed_number' | 'customer_identity_changed' | 'unknown';

export type MessageContent =
  | { readonly type: 'text'; readonly body: string | undefined }
  | { readonly type: 'image'; readonly media: Media }
  | { readonly type: 'video'; readonly media: Media }
  | { readonly type: 'document'; readonly media: Media; readonly filename: string | undefined }
  | { readonly type: 'sticker'; readonly media: Media; readonly animated: boolean }
  /** `voice` marks a recording made with the voice-note button. */
  | { readonly type: 'audio'; readonly media: Media; readonly voice: boolean }
  | {
      readonly type: 'location';
      readonly latitude: number | undefined;
      readonly longitude: number | undefined;
      readonly name: string | undefined;
      readonly address: string | undefined;
      readonly url: string | undefined;
    }
  | { readonly type: 'contacts'; readonly contacts: readonly SharedContact[] }
  | { readonly type: 'interactive'; readonly reply: InteractiveReply }
  /** A template quick-reply tap; `context.id` names the template message. */
  | { readonly type: 'button'; readonly text: string | undefined; readonly payload: string | undefined }
  /** `removed` is true for an unreaction (emoji missing or empty). */
  | {
      readonly type: 'reaction';
      readonly messageId: string | undefined;
      readonly emoji: string | undefined;
      readonly removed: boolean;
    }
  | {
      readonly type: 'order';
      readonly catalogId: string | undefined;
      readonly text: string | undefined;
      readonly items: readonly OrderItem[];
    }
  | {
      readonly type: 'system';
      readonly systemType: SystemMessageType;
      readonly rawSystemType: string | undefined;
      readonly body: string | undefined;
      /** The user's new WhatsApp id after `user_changed_number`. */
      readonly newWaId: string | undefined;
      /** `identity.hash` on `customer_identity_changed`. */
      readonly identityHash: string | undefined;
    }
  /** A history message whose media follows in a separate `history` webhook. */
  | { readonly type: 'media_placeholder' }
  /** The user opened the chat for the first time. */
  | { readonly type: 'request_welcome' }
  /** `message` is the edited content (parsed one level deep); `undefined` if absent. */
  | { readonly type: 'edit'; readonly originalMessageId: string | undefined; readonly message: MessageContent | undefined }
  | { readonly type: 'revoke'; readonly originalMessageId: string | undefined }
  /**
   * Meta could not render the message (code 131051/131060 in `errors`).
   * Also the legacy wire type `unknown`; `unsupportedType` is Meta's hint
   * since late 2025 (`edit`, `poll_creation`, `gif`…).
   */
  | { readonly type: 'unsupported'; readonly unsupportedType: string | undefined }
  /** A wire type this library does not model; see the event's `messageType` and `raw`. */
  | { readonly type: 'unknown' };

export type MessageContentType = MessageContent['type'];
