import { matchContact, parseContext, parseErrors, parseReferral } from './common';
import type { Contact } from './common.types';
import { baseOf, ChangeScope, unknownEvent } from './event-base';
import { asArray, epochSeconds, isRecord, JsonRecord, nonEmpty } from './json';
import { parseMessageContent } from './message-content';
import type { InboundMessageEvent } from './messaging-events.types';
import type { UnknownEvent } from './meta-event.types';

/** `messages[]` of a `messages` change: what users sent. */
export function inboundMessages(
  scope: ChangeScope,
  items: unknown,
  contacts: readonly Contact[],
): (InboundMessageEvent | UnknownEvent)[] {
  return asArray(items).map((item, itemIndex) => {
    if (!isRecord(item)) return unknownEvent(scope, 'item_not_object', item, { itemIndex });
    const wamid = nonEmpty(item['id']);
    if (wamid === undefined) return unknownEvent(scope, 'message_without_id', item, { itemIndex });
    return inboundMessage(scope, item, itemIndex, wamid, contacts);
  });
}

function inboundMessage(
  scope: ChangeScope,
  message: JsonRecord,
  itemIndex: number,
  wamid: string,
  contacts: readonly Contact[],
): InboundMessageEvent {
  const from = nonEmpty(message['from']);
  const fromUserId = nonEmpty(message['from_user_id']);
  return {
    kind: 'message.inbound',
    // A wamid names one message for good: Meta's retries and fan-out copies
    // repeat it, and an edit or a revoke arrives under a wamid of its own.
    ...baseOf(scope, ['message.inbound', scope.wabaId, wamid], message),
    itemIndex,
    wamid,
    messageType: nonEmpty(message['type']),
    content: parseMessageContent(message),
    from,
    fromUserId,
    fromParentUserId: nonEmpty(message['from_parent_user_id']),
    timestamp: epochSeconds(message['timestamp']),
    context: parseContext(message['context']),
    referral: parseReferral(message['referral']),
    errors: parseErrors(message['errors']),
    groupId: nonEmpty(message['group_id']),
    contact: matchContact(contacts, from, fromUserId),
  };
}
