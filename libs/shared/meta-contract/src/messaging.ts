import { adConversions } from './ad-conversions';
import { callItems, callStatuses } from './calls';
import { parseContacts, parseErrors } from './common';
import type { Contact } from './common.types';
import { contactSyncs } from './contact-sync';
import { messageEchoes } from './echoes';
import { baseOf, ChangeScope, unknownEvent } from './event-base';
import { groupItems } from './groups';
import { historyChunks, historyMedia } from './history';
import { asArray, isRecord, JsonRecord, nonEmpty } from './json';
import { inboundMessages } from './messages';
import type { MessageErrorsEvent } from './messaging-events.types';
import { assertNever, MetaEvent } from './meta-event.types';
import { messageStatuses } from './statuses';
import { marketingUserActions } from './user-actions';
import { userPreferences } from './user-preferences';

/**
 * Fields whose value is `{messaging_product, metadata, contacts?, <items>[], errors?}`,
 * with the item arrays each one may carry.
 */
const ITEM_KEYS = {
  // `user_actions`: marketing-message clicks, which Meta documents on `messages`.
  messages: ['messages', 'statuses', 'user_actions'],
  calls: ['calls', 'statuses'],
  smb_message_echoes: ['message_echoes'],
  // The non-SMB echo field of the App Dashboard; the same `message_echoes[]` shape.
  message_echoes: ['message_echoes'],
  history: ['history', 'messages'],
  user_preferences: ['user_preferences'],
  group_lifecycle_update: ['groups'],
  group_participants_update: ['groups'],
  group_settings_update: ['groups'],
  group_status_update: ['groups'],
  smb_app_state_sync: ['state_sync'],
  automatic_events: ['automatic_events'],
  // No public payload labelled `tracking_events` was found; Meta's click-tracking
  // page shows `user_actions[]`, so that is the shape read here.
  tracking_events: ['user_actions'],
} as const satisfies Record<string, readonly string[]>;

export type MessagingField = keyof typeof ITEM_KEYS;

const COMMON_KEYS: readonly string[] = ['messaging_product', 'metadata', 'contacts', 'errors'];

export function isMessagingField(field: string): field is MessagingField {
  return Object.hasOwn(ITEM_KEYS, field);
}

export function messagingEvents(scope: ChangeScope, field: MessagingField, value: JsonRecord): MetaEvent[] {
  const events: MetaEvent[] = itemEvents(scope, field, value, parseContacts(value['contacts']));
  const errors = errorsEvent(scope, field, value);
  if (errors) events.push(errors);
  // Members this library does not know are surfaced, not silently skipped:
  // a new Meta array here would otherwise vanish from the typed stream.
  const unknownKeys = Object.keys(value).filter((key) => !COMMON_KEYS.includes(key) && !itemKeys(field).includes(key));
  if (unknownKeys.length > 0) {
    const members = Object.fromEntries(unknownKeys.map((key) => [key, value[key]]));
    events.push(unknownEvent(scope, 'unrecognised_keys', members, { detail: unknownKeys.join(',') }));
  }
  if (events.length === 0) events.push(unknownEvent(scope, 'empty_change', value));
  return events;
}

function itemKeys(field: MessagingField): readonly string[] {
  return ITEM_KEYS[field];
}

function itemEvents(scope: ChangeScope, field: MessagingField, value: JsonRecord, contacts: readonly Contact[]): MetaEvent[] {
  switch (field) {
    case 'messages':
      return [
        ...inboundMessages(scope, value['messages'], contacts),
        ...messageStatuses(scope, value['statuses'], contacts),
        ...marketingUserActions(scope, value['user_actions']),
      ];
    case 'calls':
      return [...callItems(scope, value['calls'], contacts), ...callStatuses(scope, value['statuses'], contacts)];
    case 'smb_message_echoes':
    case 'message_echoes':
      return messageEchoes(scope, value['message_echoes']);
    case 'history':
      return [...historyChunks(scope, value['history']), ...historyMedia(scope, value['messages'])];
    case 'user_preferences':
      return userPreferences(scope, value['user_preferences']);
    case 'group_lifecycle_update':
      return groupItems(scope, 'group.lifecycle', value['groups']);
    case 'group_participants_update':
      return groupItems(scope, 'group.participants', value['groups']);
    case 'group_settings_update':
      return groupItems(scope, 'group.settings', value['groups']);
    case 'group_status_update':
      return groupItems(scope, 'group.status', value['groups']);
    case 'smb_app_state_sync':
      return contactSyncs(scope, value['state_sync']);
    case 'automatic_events':
      return adConversions(scope, value['automatic_events']);
    case 'tracking_events':
      return marketingUserActions(scope, value['user_actions']);
    default:
      return assertNever(field, 'messaging field');
  }
}

/**
 * `value.errors` is emitted whenever present, next to any items: Meta does
 * not say which item an error belongs to (a call's terminate, a message
 * Meta could not render), so it is not pinned on one.
 */
function errorsEvent(scope: ChangeScope, field: MessagingField, value: JsonRecord): MessageErrorsEvent | undefined {
  const errors = parseErrors(value['errors']);
  if (errors.length === 0) return undefined;
  const relatedIds = itemKeys(field).flatMap((key) =>
    asArray(value[key])
      .filter(isRecord)
      .flatMap((item) => nonEmpty(item['id']) ?? []),
  );
  return {
    kind: 'message.errors',
    // Out-of-band errors have no id or timestamp; what they are about (the
    // phone number and the items beside them) plus their content is all
    // there is. Two identical ones with nothing beside them collapse.
    ...baseOf(
      scope,
      ['message.errors', scope.wabaId, scope.phoneNumberId ?? null, field, value['errors'], relatedIds],
      value['errors'],
    ),
    itemIndex: undefined,
    errors,
    relatedIds,
  };
}
