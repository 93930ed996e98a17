import { baseOf, ChangeScope, unknownEvent } from './event-base';
import { asArray, asRecord, epochSeconds, isRecord, nonEmpty, text } from './json';
import type { ContactSyncAction, ContactSyncEvent } from './messaging-events.types';
import type { UnknownEvent } from './meta-event.types';

/**
 * `state_sync[]` of `smb_app_state_sync` (WhatsApp Business app coexistence).
 * An item has no id: the canonical item (contact, action, `metadata.timestamp`)
 * is what a retry repeats, so it is the identity, scoped to the phone number.
 * The initial sync sends the whole address book, one item per contact.
 * @see https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/smb_app_state_sync
 */
export function contactSyncs(scope: ChangeScope, items: unknown): (ContactSyncEvent | UnknownEvent)[] {
  return asArray(items).map((item, itemIndex) => {
    if (!isRecord(item)) return unknownEvent(scope, 'item_not_object', item, { itemIndex });
    const type = text(item['type']);
    const contact = asRecord(item['contact']);
    // Only contacts are documented; another sync type is kept whole, not guessed at.
    if ((type !== undefined && type !== 'contact') || !contact) {
      return unknownEvent(scope, 'unrecognised_shape', item, {
        itemIndex,
        detail: contact ? `state_sync type ${type}` : 'state_sync item without a contact',
      });
    }
    const rawAction = nonEmpty(item['action']);
    return {
      kind: 'contact.sync',
      ...baseOf(scope, ['contact.sync', scope.wabaId, scope.phoneNumberId ?? null, item], item),
      itemIndex,
      action: contactSyncAction(rawAction),
      rawAction,
      phoneNumber: nonEmpty(contact['phone_number']),
      userId: nonEmpty(contact['user_id']),
      parentUserId: nonEmpty(contact['parent_user_id']),
      username: nonEmpty(contact['username']),
      fullName: text(contact['full_name']),
      firstName: text(contact['first_name']),
      timestamp: epochSeconds(asRecord(item['metadata'])?.['timestamp'] ?? item['timestamp']),
    };
  });
}

function contactSyncAction(raw: string | undefined): ContactSyncAction {
  return raw === 'add' || raw === 'remove' ? raw : 'unknown';
}
