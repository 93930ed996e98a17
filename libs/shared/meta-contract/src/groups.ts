import { parseErrors } from './common';
import { baseOf, ChangeScope, unknownEvent } from './event-base';
import { asArray, epochSeconds, isRecord, nonEmpty } from './json';
import type { GroupEvent, GroupEventKind } from './messaging-events.types';
import type { UnknownEvent } from './meta-event.types';

/** `groups[]` of the four group fields. */
export function groupItems(scope: ChangeScope, kind: GroupEventKind, items: unknown): (GroupEvent | UnknownEvent)[] {
  return asArray(items).map((item, itemIndex) => {
    if (!isRecord(item)) return unknownEvent(scope, 'item_not_object', item, { itemIndex });
    return {
      kind,
      // Items carry a timestamp and usually a request id, but not always an
      // id of their own; the whole item is what a retry repeats.
      ...baseOf(scope, ['group', scope.wabaId, scope.field, item], item),
      itemIndex,
      groupId: nonEmpty(item['group_id']),
      groupEventType: nonEmpty(item['type']),
      timestamp: epochSeconds(item['timestamp']),
      requestId: nonEmpty(item['request_id']),
      errors: parseErrors(item['errors']),
    };
  });
}
