import { mediaBytes, sha256Base64, sha256Hex } from './media';
import type { OracleInbound } from './plan.types';
import { Prng } from './prng';

/**
 * Every kind of message a customer sends (contract §6), built as Meta's
 * `messages[]` item plus what inbound-reply must make of it, restated here
 * by hand: the normalized type and the members its `content` must have.
 */
export type InboundKind =
  | 'text' | 'text-reply' | 'text-forwarded' | 'text-ad' | 'text-post' | 'product-inquiry'
  | 'image' | 'video' | 'audio' | 'voice' | 'document' | 'sticker'
  | 'location' | 'contacts' | 'button_reply' | 'list_reply' | 'nfm_reply' | 'button'
  | 'reaction' | 'unreaction' | 'order' | 'system-number' | 'system-identity'
  | 'unsupported' | 'unknown-legacy' | 'future-type' | 'request_welcome';

/** Weights of the kinds after every kind appeared once. */
export const INBOUND_KINDS: ReadonlyArray<readonly [InboundKind, number]> = [
  ['text', 24], ['text-reply', 8], ['text-forwarded', 3], ['text-ad', 4], ['text-post', 1], ['product-inquiry', 2],
  ['image', 7], ['video', 2], ['audio', 2], ['voice', 4], ['document', 3], ['sticker', 3],
  ['location', 3], ['contacts', 2], ['button_reply', 5], ['list_reply', 3], ['nfm_reply', 2], ['button', 5],
  ['reaction', 5], ['unreaction', 1], ['order', 2], ['system-number', 1], ['system-identity', 1],
  ['unsupported', 2], ['unknown-legacy', 1], ['future-type', 1], ['request_welcome', 1],
];

/** A message a customer answers or reacts to: ours (with its internal id) or one the business sent from elsewhere. */
export interface Target {
  wamid: string;
  internalMessageId: string | null;
}

export interface KindInput {
  rng: Prng;
  mediaId: string;
  /** The business number's display number (`context.from` of replies). */
  business: string;
  target: Target;
  /** A template message sent to this customer, for quick-reply buttons (else `target`). */
  templateTarget: Target;
  /** The customer's wa_id (none for BSUID-only users) and, for user_changed_number, the new one. */
  waId: string | undefined;
  newWaId: string | undefined;
  timestamp: number;
}

export type Expected = Omit<OracleInbound, 'tenantId' | 'wamid' | 'phoneNumberId' | 'customer' | 'timestamp'>;

export interface BuiltMessage {
  /** The type-specific members and `context` / `referral` / `errors` of the `messages[]` item. */
  fields: Record<string, unknown>;
  expected: Expected;
}

const TEXTS = [
  'Hi, is my order on its way?', 'Olá, tudo bem? Quero saber do meu pedido', '¿Dónde está mi paquete?', 'Danke schön 👍',
  'これは届きましたか', 'Привет! Когда доставка?', 'مرحبا، أحتاج مساعدة', 'He said "wait" \\ then left', 'line one\nline two', 'ok',
  'Can I change the delivery address?', 'Merci beaucoup 🙏🏽',
];
const CAPTIONS = [undefined, 'receipt', 'Foto do produto 📦', 'damaged box', 'факт'];
const EMOJIS = ['👍', '❤️', '😂', '😮', '🙏', '🎉'];
const FUTURE_TYPES = ['poll_vote', 'event_rsvp'];

const media = (kind: 'image' | 'video' | 'audio' | 'document' | 'sticker', mimeType: string, i: KindInput, extra: Record<string, unknown>, contentExtra: Record<string, unknown>): BuiltMessage => {
  const bytes = mediaBytes(i.mediaId);
  const caption = kind === 'image' || kind === 'video' || kind === 'document' ? i.rng.pick(CAPTIONS) : undefined;
  return {
    fields: { [kind]: { ...(caption !== undefined ? { caption } : {}), mime_type: mimeType, sha256: sha256Base64(bytes), id: i.mediaId, ...extra } },
    expected: {
      ...base(kind, kind),
      content: { type: kind, media: { id: i.mediaId, mimeType, ...(caption !== undefined ? { caption } : {}) }, ...contentExtra },
      media: { id: i.mediaId, mimeType, sha256: sha256Hex(bytes), sizeBytes: bytes.length },
    },
  };
};

function base(wireType: string, type: string): Expected {
  return { wireType, type, opensWindow: type !== 'system', content: { type }, replyTo: null, forwarded: false, frequentlyForwarded: false, referral: null, errorCodes: [], media: null };
}

const UNSUPPORTED_ERROR = { code: 131051, title: 'Message type unknown', message: 'Message type unknown', error_data: { details: 'Message type is currently not supported.' } };

function text(body: string, extra: Partial<Expected> = {}, fields: Record<string, unknown> = {}): BuiltMessage {
  return { fields: { text: { body }, ...fields }, expected: { ...base('text', 'text'), content: { type: 'text', body }, ...extra } };
}

function replyTo(i: KindInput, target = i.target): { fields: Record<string, unknown>; expected: Partial<Expected> } {
  return { fields: { context: { from: i.business, id: target.wamid } }, expected: { replyTo: { wamid: target.wamid, internalMessageId: target.internalMessageId } } };
}

function interactive(i: KindInput, reply: Record<string, unknown>, content: Record<string, unknown>): BuiltMessage {
  const r = replyTo(i);
  return { fields: { ...r.fields, interactive: reply }, expected: { ...base('interactive', 'interactive'), ...r.expected, content: { type: 'interactive', reply: content } } };
}

export function buildKind(kind: InboundKind, i: KindInput): BuiltMessage {
  const { rng } = i;
  switch (kind) {
    case 'text':
      return text(rng.pick(TEXTS));
    case 'text-reply': {
      const r = replyTo(i);
      return text(rng.pick(TEXTS), r.expected, r.fields);
    }
    case 'text-forwarded': {
      const many = rng.chance(0.4);
      return text(rng.pick(TEXTS), { forwarded: !many, frequentlyForwarded: many }, { context: many ? { frequently_forwarded: true } : { forwarded: true } });
    }
    case 'text-ad':
    case 'text-post': {
      const ad = kind === 'text-ad';
      const sourceId = String(rng.int(100_000_000, 999_999_999));
      const clid = ad ? `ARA${rng.hex(40)}` : undefined;
      const referral = ad
        ? { source_url: `https://fb.me/${rng.hex(8)}`, source_id: sourceId, source_type: 'ad', headline: 'Spring sale — 20 % off', body: 'Tap to chat with us', media_type: 'image', image_url: `https://scontent.example/${rng.hex(10)}.jpg`, thumbnail_url: `https://scontent.example/${rng.hex(10)}_t.jpg`, ctwa_clid: clid, welcome_message: { text: 'Hi! How can we help?' } }
        : { source_url: `https://www.facebook.com/${rng.hex(8)}/posts/${sourceId}`, source_id: sourceId, source_type: 'post', headline: 'Our new store', body: 'Open today', media_type: 'video', video_url: `https://video.example/${rng.hex(10)}.mp4`, thumbnail_url: `https://video.example/${rng.hex(10)}.jpg` };
      return text('I saw your ad', { referral: { sourceType: ad ? 'ad' : 'post', ctwaClid: clid ?? null } }, { referral });
    }
    case 'product-inquiry': {
      const catalogId = String(rng.int(100_000_000_000_000, 999_999_999_999_999));
      const retailerId = `sku-${rng.hex(8)}`;
      return text('Is this still available?', {}, { context: { from: i.business, referred_product: { catalog_id: catalogId, product_retailer_id: retailerId } } });
    }
    case 'image':
      return media('image', 'image/jpeg', i, {}, {});
    case 'video':
      return media('video', 'video/mp4', i, {}, {});
    case 'audio':
      return media('audio', 'audio/mpeg', i, { voice: false }, { voice: false });
    case 'voice':
      return media('audio', 'audio/ogg; codecs=opus', i, { voice: true }, { voice: true });
    case 'document': {
      const filename = rng.pick(['invoice-2026.pdf', 'comprovante_pagamento.pdf', 'fotos do pedido.pdf']);
      return media('document', 'application/pdf', i, { filename }, { filename });
    }
    case 'sticker': {
      const animated = rng.chance(0.5);
      return media('sticker', 'image/webp', i, { animated }, { animated });
    }
    case 'location': {
      const latitude = Math.round(rng.next() * 180_000_000 - 90_000_000) / 1_000_000;
      const longitude = Math.round(rng.next() * 360_000_000 - 180_000_000) / 1_000_000;
      const named = rng.chance(0.5);
      const location = { latitude, longitude, ...(named ? { name: 'Loja Centro', address: 'Rua Augusta 1500, São Paulo', url: 'https://maps.google.com/?cid=1' } : {}) };
      return { fields: { location }, expected: { ...base('location', 'location'), content: { type: 'location', latitude, longitude, ...(named ? { name: 'Loja Centro', address: 'Rua Augusta 1500, São Paulo' } : {}) } } };
    }
    case 'contacts': {
      const people = Array.from({ length: rng.int(1, 2) }, (_, k) => {
        const phone = `${rng.int(1, 9)}${rng.digits(10)}`;
        const name = k === 0 ? 'Ana Souza' : 'Jürgen Weiß';
        return { wire: { name: { first_name: name.split(' ')[0], last_name: name.split(' ')[1], formatted_name: name }, phones: [{ phone: `+${phone}`, wa_id: phone, type: 'CELL' }], emails: [{ email: `c${k}@example.com`, type: 'WORK' }] }, expected: { formattedName: name, phones: [{ phone: `+${phone}`, waId: phone, type: 'CELL' }] } };
      });
      return { fields: { contacts: people.map((p) => p.wire) }, expected: { ...base('contacts', 'contacts'), content: { type: 'contacts', contacts: people.map((p) => p.expected) } } };
    }
    case 'button_reply': {
      const [id, title] = rng.pick([['yes', 'Yes, confirm'], ['no', 'No'], ['later', 'Mais tarde']]);
      return interactive(i, { type: 'button_reply', button_reply: { id, title } }, { type: 'button_reply', id, title });
    }
    case 'list_reply': {
      const [id, title, description] = rng.pick([['slot-1', 'Monday 9:00', 'Morning'], ['slot-2', 'Tuesday 14:00', 'Afternoon'], ['slot-3', 'Friday 18:30', 'Evening']]);
      return interactive(i, { type: 'list_reply', list_reply: { id, title, description } }, { type: 'list_reply', id, title, description });
    }
    case 'nfm_reply': {
      const response = { flow_token: `flow-${rng.hex(16)}`, delivery_rating: String(rng.int(1, 5)), comment_text: rng.pick(['Great', 'Ótimo serviço', 'Too slow']) };
      return interactive(i, { type: 'nfm_reply', nfm_reply: { response_json: JSON.stringify(response), body: 'Sent', name: 'flow' } }, { type: 'nfm_reply', name: 'flow', body: 'Sent', flowToken: response.flow_token, response });
    }
    case 'button': {
      const r = replyTo(i, i.templateTarget);
      const [payload, label] = rng.pick([['TRACK_ORDER', 'Track my order'], ['STOP_PROMOS', 'Stop promotions'], ['TALK_TO_AGENT', 'Falar com atendente']]);
      return { fields: { ...r.fields, button: { payload, text: label } }, expected: { ...base('button', 'button'), ...r.expected, content: { type: 'button', text: label, payload } } };
    }
    case 'reaction':
    case 'unreaction': {
      const emoji = kind === 'reaction' ? rng.pick(EMOJIS) : undefined;
      const reaction = { message_id: i.target.wamid, ...(emoji ? { emoji } : rng.chance(0.5) ? { emoji: '' } : {}) };
      return { fields: { reaction }, expected: { ...base('reaction', 'reaction'), content: { type: 'reaction', messageId: i.target.wamid, removed: !emoji, ...(emoji ? { emoji } : {}) } } };
    }
    case 'order': {
      const catalogId = String(rng.int(100_000_000_000_000, 999_999_999_999_999));
      const items = Array.from({ length: rng.int(1, 3) }, (_, k) => ({ product_retailer_id: `sku-${k}-${rng.hex(6)}`, quantity: rng.int(1, 4), item_price: rng.int(100, 9999) / 100, currency: rng.pick(['BRL', 'EUR', 'USD']) }));
      const note = rng.pick(['', 'Please gift wrap', 'Entregar após 18h']);
      return {
        fields: { order: { catalog_id: catalogId, text: note, product_items: items } },
        expected: { ...base('order', 'order'), content: { type: 'order', catalogId, text: note, items: items.map((x) => ({ productRetailerId: x.product_retailer_id, quantity: x.quantity, itemPrice: x.item_price, currency: x.currency })) } },
      };
    }
    case 'system-number': {
      const body = `User changed from ${i.waId} to ${i.newWaId}`;
      return { fields: { system: { body, wa_id: i.newWaId, type: 'user_changed_number' } }, expected: { ...base('system', 'system'), content: { type: 'system', systemType: 'user_changed_number', newWaId: i.newWaId, body } } };
    }
    case 'system-identity': {
      const hash = rng.hex(12);
      return {
        fields: { identity: { acknowledged: true, created_timestamp: String(i.timestamp), hash }, system: { body: 'User identity changed', type: 'customer_identity_changed' } },
        expected: { ...base('system', 'system'), content: { type: 'system', systemType: 'customer_identity_changed', identityHash: hash } },
      };
    }
    case 'unsupported': {
      const hint = rng.pick(['poll_creation', 'gif', 'edit']);
      return { fields: { errors: [UNSUPPORTED_ERROR], unsupported: { type: hint } }, expected: { ...base('unsupported', 'unsupported'), content: { type: 'unsupported', unsupportedType: hint }, errorCodes: [131051] } };
    }
    case 'unknown-legacy':
      return { fields: { errors: [{ code: 131051, details: 'Message type is not currently supported', title: 'Unsupported message type' }] }, expected: { ...base('unknown', 'unsupported'), errorCodes: [131051] } };
    case 'future-type': {
      const wire = rng.pick(FUTURE_TYPES);
      return { fields: { [wire]: { option_ids: [rng.int(1, 4)] } }, expected: base(wire, 'unknown') };
    }
    case 'request_welcome':
      return { fields: {}, expected: base('request_welcome', 'request_welcome') };
  }
}
