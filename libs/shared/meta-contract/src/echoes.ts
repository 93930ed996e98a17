import { parseContext } from './common';
import { baseOf, ChangeScope, unknownEvent } from './event-base';
import { asArray, epochSeconds, isRecord, nonEmpty } from './json';
import { parseMessageContent } from './message-content';
import type { MessageEchoEvent } from './messaging-events.types';
import type { UnknownEvent } from './meta-event.types';

/**
 * `message_echoes[]` of an `smb_message_echoes` change (what the business sent
 * from the Business app) or of a `message_echoes` change (the same shape).
 */
export function messageEchoes(scope: ChangeScope, items: unknown): (MessageEchoEvent | UnknownEvent)[] {
  return asArray(items).map((item, itemIndex) => {
    if (!isRecord(item)) return unknownEvent(scope, 'item_not_object', item, { itemIndex });
    const wamid = nonEmpty(item['id']);
    if (wamid === undefined) return unknownEvent(scope, 'message_without_id', item, { itemIndex });
    return {
      kind: 'message.echo',
      ...baseOf(scope, ['message.echo', scope.wabaId, wamid], item),
      itemIndex,
      wamid,
      messageType: nonEmpty(item['type']),
      content: parseMessageContent(item),
      from: nonEmpty(item['from']),
      to: nonEmpty(item['to']),
      toUserId: nonEmpty(item['to_user_id']),
      toParentUserId: nonEmpty(item['to_parent_user_id']),
      timestamp: epochSeconds(item['timestamp']),
      context: parseContext(item['context']),
    };
  });
}
