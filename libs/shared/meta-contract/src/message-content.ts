import { asArray, asRecord, epochSeconds, isRecord, JsonRecord, nonEmpty, numberish, text } from './json';
import type { InteractiveReply, Media, MessageContent, SharedContact, SystemMessageType } from './message-content.types';

/**
 * The type-specific part of a message object. Reads only fixed keys (never
 * `message[type]`), so a wire type like `constructor` cannot reach
 * Object.prototype.
 */
export function parseMessageContent(message: JsonRecord): MessageContent {
  return contentOf(message, 0);
}

function contentOf(message: JsonRecord, depth: number): MessageContent {
  const type = text(message['type']);
  switch (type) {
    case 'text':
      return { type, body: text(asRecord(message['text'])?.['body']) };
    case 'image':
      return { type, media: media(message['image']) };
    case 'video':
      return { type, media: media(message['video']) };
    case 'document':
      return { type, media: media(message['document']), filename: text(asRecord(message['document'])?.['filename']) };
    case 'sticker':
      return { type, media: media(message['sticker']), animated: asRecord(message['sticker'])?.['animated'] === true };
    case 'audio':
      return { type, media: media(message['audio']), voice: asRecord(message['audio'])?.['voice'] === true };
    case 'location':
      return location(asRecord(message['location']));
    case 'contacts':
      return { type, contacts: asArray(message['contacts']).filter(isRecord).map(sharedContact) };
    case 'interactive':
      return { type, reply: interactiveReply(asRecord(message['interactive'])) };
    case 'button': {
      const button = asRecord(message['button']);
      return { type, text: text(button?.['text']), payload: text(button?.['payload']) };
    }
    case 'reaction': {
      const reaction = asRecord(message['reaction']);
      // Meta signals an unreaction by re-sending the reaction with the emoji
      // omitted or empty; both read as "removed".
      const emoji = nonEmpty(reaction?.['emoji']);
      return { type, messageId: nonEmpty(reaction?.['message_id']), emoji, removed: emoji === undefined };
    }
    case 'order':
      return order(asRecord(message['order']));
    case 'system':
      return system(message);
    case 'request_welcome':
    case 'media_placeholder':
      return { type };
    case 'edit': {
      const edit = asRecord(message['edit']);
      const edited = asRecord(edit?.['message']);
      // One level only: an edit cannot contain an edit, and a bound keeps a
      // crafted payload from recursing.
      const inner = edited && depth === 0 ? contentOf(edited, depth + 1) : undefined;
      return { type, originalMessageId: nonEmpty(edit?.['original_message_id']), message: inner };
    }
    case 'revoke':
      return { type, originalMessageId: nonEmpty(asRecord(message['revoke'])?.['original_message_id']) };
    case 'unsupported':
    case 'unknown':
      // `unknown` is what Meta called unsupported messages before `unsupported`.
      return { type: 'unsupported', unsupportedType: text(asRecord(message['unsupported'])?.['type']) };
    default:
      return { type: 'unknown' };
  }
}

function media(value: unknown): Media {
  const object = asRecord(value);
  return {
    id: nonEmpty(object?.['id']),
    mimeType: text(object?.['mime_type']),
    sha256: text(object?.['sha256']),
    caption: text(object?.['caption']),
    url: nonEmpty(object?.['url']),
  };
}

function location(value: JsonRecord | undefined): MessageContent {
  return {
    type: 'location',
    latitude: numberish(value?.['latitude']),
    longitude: numberish(value?.['longitude']),
    name: text(value?.['name']),
    address: text(value?.['address']),
    url: text(value?.['url']),
  };
}

function sharedContact(contact: JsonRecord): SharedContact {
  return {
    formattedName: text(asRecord(contact['name'])?.['formatted_name']),
    phones: asArray(contact['phones'])
      .filter(isRecord)
      .map((phone) => ({ phone: text(phone['phone']), waId: nonEmpty(phone['wa_id']), type: text(phone['type']) })),
    raw: contact,
  };
}

function order(value: JsonRecord | undefined): MessageContent {
  return {
    type: 'order',
    catalogId: nonEmpty(value?.['catalog_id']),
    text: text(value?.['text']),
    items: asArray(value?.['product_items'])
      .filter(isRecord)
      .map((item) => ({
        productRetailerId: text(item['product_retailer_id']),
        quantity: numberish(item['quantity']),
        itemPrice: numberish(item['item_price']),
        currency: text(item['currency']),
      })),
  };
}

function system(message: JsonRecord): MessageContent {
  const body = asRecord(message['system']);
  const rawSystemType = text(body?.['type']);
  return {
    type: 'system',
    systemType: systemType(rawSystemType),
    rawSystemType,
    body: text(body?.['body']),
    newWaId: nonEmpty(body?.['wa_id']),
    identityHash: nonEmpty(asRecord(message['identity'])?.['hash']),
  };
}

function systemType(raw: string | undefined): SystemMessageType {
  switch (raw) {
    case 'user_changed_number':
    case 'customer_changed_number': // the name in Meta's older reference tables
      return 'user_changed_number';
    case 'customer_identity_changed':
      return 'customer_identity_changed';
    default:
      return 'unknown';
  }
}

function interactiveReply(interactive: JsonRecord | undefined): InteractiveReply {
  const type = text(interactive?.['type']);
  switch (type) {
    case 'button_reply': {
      const reply = asRecord(interactive?.['button_reply']);
      return { type, id: text(reply?.['id']), title: text(reply?.['title']) };
    }
    case 'list_reply': {
      const reply = asRecord(interactive?.['list_reply']);
      return { type, id: text(reply?.['id']), title: text(reply?.['title']), description: text(reply?.['description']) };
    }
    case 'nfm_reply': {
      const reply = asRecord(interactive?.['nfm_reply']);
      const responseJson = text(reply?.['response_json']);
      const response = parseJson(responseJson);
      return {
        type,
        name: text(reply?.['name']),
        body: text(reply?.['body']),
        responseJson,
        response,
        flowToken: nonEmpty(asRecord(response)?.['flow_token']),
      };
    }
    case 'call_permission_reply': {
      const reply = asRecord(interactive?.['call_permission_reply']);
      return {
        type,
        response: text(reply?.['response']),
        expirationTimestamp: epochSeconds(reply?.['expiration_timestamp']),
        responseSource: text(reply?.['response_source']),
      };
    }
    case 'payment_method':
      return { type, raw: interactive?.['payment_method'] };
    default:
      return { type: 'other', interactiveType: type, raw: interactive };
  }
}

/** A flow's answers are a JSON document inside a string; a broken one is kept as text only. */
function parseJson(source: string | undefined): unknown {
  if (source === undefined) return undefined;
  try {
    return JSON.parse(source) as unknown;
  } catch {
    return undefined;
  }
}
