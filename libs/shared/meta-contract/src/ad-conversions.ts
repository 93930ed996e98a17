import { baseOf, ChangeScope, unknownEvent } from './event-base';
import { asArray, asRecord, epochSeconds, isRecord, nonEmpty, numberish } from './json';
import type { AdConversionEvent, AdConversionType } from './messaging-events.types';
import type { UnknownEvent } from './meta-event.types';

/**
 * `automatic_events[]` of `automatic_events`.
 * @see https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/automatic_events
 */
export function adConversions(scope: ChangeScope, items: unknown): (AdConversionEvent | UnknownEvent)[] {
  return asArray(items).map((item, itemIndex) => {
    if (!isRecord(item)) return unknownEvent(scope, 'item_not_object', item, { itemIndex });
    const eventName = nonEmpty(item['event_name']);
    if (eventName === undefined) {
      return unknownEvent(scope, 'unrecognised_shape', item, { itemIndex, detail: 'automatic_events item without event_name' });
    }
    const wamid = nonEmpty(item['id']);
    return {
      kind: 'ad.conversion',
      // The message an event was detected in, and which event: as for
      // statuses, the timestamp is left out (a retry repeats it anyway).
      // Without a wamid the item itself is all there is.
      ...baseOf(
        scope,
        wamid === undefined
          ? ['ad.conversion', scope.wabaId, scope.phoneNumberId ?? null, item]
          : ['ad.conversion', scope.wabaId, wamid, eventName],
        item,
      ),
      itemIndex,
      wamid,
      conversion: conversionType(eventName),
      eventName,
      timestamp: epochSeconds(item['timestamp']),
      ctwaClid: nonEmpty(item['ctwa_clid']),
      customData: customData(item['custom_data']),
    };
  });
}

function conversionType(eventName: string): AdConversionType {
  switch (eventName.toLowerCase()) {
    case 'purchase':
      return 'purchase';
    case 'leadsubmitted':
      return 'lead';
    default:
      return 'unknown';
  }
}

function customData(raw: unknown): AdConversionEvent['customData'] {
  const data = asRecord(raw);
  if (!data) return undefined;
  const value = numberish(data['value']);
  return { currency: nonEmpty(data['currency']), value, amount: value === undefined ? undefined : value / 1000 };
}
