import { baseOf, ChangeScope, unknownEvent } from './event-base';
import { asArray, asRecord, epochSeconds, isRecord, JsonRecord, nonEmpty } from './json';
import type { MarketingUserActionEvent } from './messaging-events.types';
import type { UnknownEvent } from './meta-event.types';

/**
 * `user_actions[]` of a `messages` or `tracking_events` change. The action's
 * details sit under `<action_type>_data`; Meta's landing-page views reuse
 * `marketing_messages_link_click_data`, so that is the fallback. An action has
 * no id (`click_id` is optional): the canonical item is the identity, scoped
 * to the phone number.
 * @see https://developers.facebook.com/documentation/business-messaging/whatsapp/marketing-messages/track-click-events/
 */
export function marketingUserActions(scope: ChangeScope, items: unknown): (MarketingUserActionEvent | UnknownEvent)[] {
  return asArray(items).map((item, itemIndex) => {
    if (!isRecord(item)) return unknownEvent(scope, 'item_not_object', item, { itemIndex });
    const actionType = nonEmpty(item['action_type']);
    if (actionType === undefined) {
      return unknownEvent(scope, 'unrecognised_shape', item, { itemIndex, detail: 'user_actions item without action_type' });
    }
    const data = actionData(item, actionType);
    return {
      kind: 'marketing.user_action',
      ...baseOf(scope, ['marketing.user_action', scope.wabaId, scope.phoneNumberId ?? null, item], item),
      itemIndex,
      actionType,
      timestamp: epochSeconds(item['timestamp']),
      clickComponent: nonEmpty(data?.['click_component']),
      productId: nonEmpty(data?.['product_id']),
      clickId: nonEmpty(data?.['click_id']),
      trackingToken: nonEmpty(data?.['tracking_token']),
    };
  });
}

function actionData(item: JsonRecord, actionType: string): JsonRecord | undefined {
  return asRecord(item[`${actionType}_data`]) ?? asRecord(item['marketing_messages_link_click_data']);
}
