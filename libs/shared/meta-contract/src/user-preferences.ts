import { baseOf, ChangeScope, unknownEvent } from './event-base';
import { asArray, epochSeconds, isRecord, nonEmpty, text } from './json';
import type { MarketingPreference, UserPreferenceEvent } from './messaging-events.types';
import type { UnknownEvent } from './meta-event.types';

/** `user_preferences[]`: a user stopped or resumed marketing messages. */
export function userPreferences(scope: ChangeScope, items: unknown): (UserPreferenceEvent | UnknownEvent)[] {
  return asArray(items).map((item, itemIndex) => {
    if (!isRecord(item)) return unknownEvent(scope, 'item_not_object', item, { itemIndex });
    const rawValue = nonEmpty(item['value']);
    return {
      kind: 'user_preferences',
      // No id exists; the item itself (user, value, timestamp) is the event.
      ...baseOf(scope, ['user_preferences', scope.wabaId, scope.phoneNumberId ?? null, item], item),
      itemIndex,
      waId: nonEmpty(item['wa_id']),
      userId: nonEmpty(item['user_id']),
      category: text(item['category']),
      preference: marketingPreference(rawValue),
      rawValue,
      detail: text(item['detail']),
      timestamp: epochSeconds(item['timestamp']),
    };
  });
}

function marketingPreference(raw: string | undefined): MarketingPreference {
  switch (raw) {
    case 'stop':
    case 'resume':
    case 'signup':
      return raw;
    default:
      return 'unknown';
  }
}
