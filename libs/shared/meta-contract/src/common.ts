import type { Contact, Conversation, MessageContext, MessagingLimit, MetaError, Pricing, Referral } from './common.types';
import {
  asArray,
  asRecord,
  epochSeconds,
  idText,
  isRecord,
  JsonRecord,
  maybeBool,
  nonEmpty,
  numberish,
  numberOrText,
  text,
} from './json';

export function parseErrors(value: unknown): MetaError[] {
  return asArray(value)
    .filter(isRecord)
    .map((error) => ({
      code: numberish(error['code']),
      title: text(error['title']),
      message: text(error['message']),
      details: text(asRecord(error['error_data'])?.['details']) ?? text(error['details']),
      href: text(error['href']),
    }));
}

export function parseContacts(value: unknown): Contact[] {
  return asArray(value)
    .filter(isRecord)
    .map((contact) => {
      const profile = asRecord(contact['profile']);
      return {
        waId: nonEmpty(contact['wa_id']),
        userId: nonEmpty(contact['user_id']),
        parentUserId: nonEmpty(contact['parent_user_id']),
        username: nonEmpty(profile?.['username']),
        profileName: text(profile?.['name']),
        identityKeyHash: nonEmpty(contact['identity_key_hash']),
      };
    });
}

/**
 * The contact an item is about: by phone id, then by BSUID. With no
 * identifier on the item at all (BSUID-only senders may omit both), a lone
 * contact is the only candidate; otherwise nothing is guessed.
 */
export function matchContact(
  contacts: readonly Contact[],
  waId: string | undefined,
  userId: string | undefined,
): Contact | undefined {
  const byWaId = waId === undefined ? undefined : contacts.find((c) => c.waId === waId);
  const byUserId = userId === undefined ? undefined : contacts.find((c) => c.userId === userId);
  const lone = waId === undefined && userId === undefined && contacts.length === 1 ? contacts[0] : undefined;
  return byWaId ?? byUserId ?? lone;
}

export function parseContext(value: unknown): MessageContext | undefined {
  const context = asRecord(value);
  if (!context) return undefined;
  const product = asRecord(context['referred_product']);
  return {
    from: nonEmpty(context['from']),
    id: nonEmpty(context['id']),
    forwarded: context['forwarded'] === true,
    frequentlyForwarded: context['frequently_forwarded'] === true,
    referredProduct: product
      ? { catalogId: nonEmpty(product['catalog_id']), productRetailerId: nonEmpty(product['product_retailer_id']) }
      : undefined,
  };
}

export function parseReferral(value: unknown): Referral | undefined {
  const referral = asRecord(value);
  if (!referral) return undefined;
  return {
    sourceUrl: text(referral['source_url']),
    sourceId: text(referral['source_id']),
    sourceType: text(referral['source_type']),
    headline: text(referral['headline']),
    body: text(referral['body']),
    mediaType: text(referral['media_type']),
    imageUrl: text(referral['image_url']),
    videoUrl: text(referral['video_url']),
    thumbnailUrl: text(referral['thumbnail_url']),
    ctwaClid: nonEmpty(referral['ctwa_clid']),
    welcomeMessageText: text(asRecord(referral['welcome_message'])?.['text']),
  };
}

export function parseConversation(value: unknown): Conversation | undefined {
  const conversation = asRecord(value);
  if (!conversation) return undefined;
  return {
    id: nonEmpty(conversation['id']),
    expirationTimestamp: epochSeconds(conversation['expiration_timestamp']),
    originType: text(asRecord(conversation['origin'])?.['type']),
  };
}

export function parsePricing(value: unknown): Pricing | undefined {
  const pricing = asRecord(value);
  if (!pricing) return undefined;
  return {
    billable: maybeBool(pricing['billable']),
    pricingModel: text(pricing['pricing_model']),
    type: text(pricing['type']),
    category: text(pricing['category']),
  };
}

const TIER = /^TIER_(\d+)(K|M)?$/;
const TIER_SCALE = { K: 1_000, M: 1_000_000 } as const;

export function messagingLimit(value: unknown): MessagingLimit | undefined {
  const raw = numberOrText(value);
  if (raw === undefined) return undefined;
  return { raw, dailyConversations: dailyConversations(raw) };
}

function dailyConversations(raw: number | string): number | 'unlimited' | undefined {
  if (typeof raw === 'number') return raw < 0 ? 'unlimited' : raw;
  if (raw === 'TIER_UNLIMITED') return 'unlimited';
  const tier = TIER.exec(raw);
  if (!tier?.[1]) return undefined;
  const unit = tier[2] === 'K' || tier[2] === 'M' ? TIER_SCALE[tier[2]] : 1;
  return Number(tier[1]) * unit;
}

/** The phone number a messaging value is about (`value.metadata`). */
export function parseMetadata(value: JsonRecord): { phoneNumberId: string | undefined; displayPhoneNumber: string | undefined } {
  const metadata = asRecord(value['metadata']);
  return {
    phoneNumberId: idText(metadata?.['phone_number_id']),
    displayPhoneNumber: nonEmpty(metadata?.['display_phone_number']),
  };
}
