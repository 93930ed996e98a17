import { assertNever } from '@wahooks/meta-contract';
import type { Media, MessageContent, Referral } from '@wahooks/meta-contract';

/**
 * Whether a message type (re)opens the customer-service window. Everything a
 * customer sends does, including reactions, unsupported content and the
 * "opened the chat" signal; a `system` notice (number or identity changed)
 * is written by WhatsApp, not the customer, so it does not.
 */
export function opensWindow(content: MessageContent): boolean {
  switch (content.type) {
    case 'system':
      return false;
    case 'text':
    case 'image':
    case 'video':
    case 'document':
    case 'sticker':
    case 'audio':
    case 'location':
    case 'contacts':
    case 'interactive':
    case 'button':
    case 'reaction':
    case 'order':
    case 'media_placeholder':
    case 'request_welcome':
    case 'edit':
    case 'revoke':
    case 'unsupported':
    case 'unknown':
      return true;
    default:
      return assertNever(content);
  }
}

/**
 * A click-to-WhatsApp ad starts the 72-hour free entry point. `ctwa_clid`
 * marks the ad click; Status-placement ads omit it, hence the source type too.
 */
export function isEntryPoint(referral: Referral | undefined): boolean {
  return !!referral && (referral.ctwaClid !== undefined || referral.sourceType === 'ad');
}

/** The downloadable media of a message, if any (an edit carries the new content). */
export function mediaOf(content: MessageContent): Media | undefined {
  switch (content.type) {
    case 'image':
    case 'video':
    case 'document':
    case 'sticker':
    case 'audio':
      return content.media.id ? content.media : undefined;
    case 'edit':
      return content.message ? mediaOf(content.message) : undefined;
    case 'text':
    case 'location':
    case 'contacts':
    case 'interactive':
    case 'button':
    case 'reaction':
    case 'order':
    case 'system':
    case 'media_placeholder':
    case 'request_welcome':
    case 'revoke':
    case 'unsupported':
    case 'unknown':
      return undefined;
    default:
      return assertNever(content);
  }
}
