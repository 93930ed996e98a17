import { matchContact, parseConversation, parseErrors, parsePricing } from './common';
import type { Contact } from './common.types';
import { baseOf, ChangeScope, unknownEvent } from './event-base';
import { asArray, epochSeconds, isRecord, JsonRecord, nonEmpty, text } from './json';
import type { MessageStatus, MessageStatusEvent } from './messaging-events.types';
import type { UnknownEvent } from './meta-event.types';

/** `statuses[]` of a `messages` change: delivery progress of what the business sent. */
export function messageStatuses(
  scope: ChangeScope,
  items: unknown,
  contacts: readonly Contact[],
): (MessageStatusEvent | UnknownEvent)[] {
  return asArray(items).map((item, itemIndex) => {
    if (!isRecord(item)) return unknownEvent(scope, 'item_not_object', item, { itemIndex });
    const wamid = nonEmpty(item['id']);
    if (wamid === undefined) return unknownEvent(scope, 'status_without_id', item, { itemIndex });
    const rawStatus = nonEmpty(item['status']);
    if (rawStatus === undefined) return unknownEvent(scope, 'status_without_status', item, { itemIndex });
    return messageStatus(scope, item, itemIndex, wamid, rawStatus, contacts);
  });
}

function messageStatus(
  scope: ChangeScope,
  status: JsonRecord,
  itemIndex: number,
  wamid: string,
  rawStatus: string,
  contacts: readonly Contact[],
): MessageStatusEvent {
  const recipientId = nonEmpty(status['recipient_id']);
  const recipientUserId = nonEmpty(status['recipient_user_id']);
  const recipientParticipantId = nonEmpty(status['recipient_participant_id']);
  const recipientParticipantUserId = nonEmpty(status['recipient_participant_user_id']);
  const isGroup = text(status['recipient_type']) === 'group';
  return {
    kind: 'message.status',
    ...baseOf(
      scope,
      statusIdentity(scope.wabaId, wamid, rawStatus, recipientParticipantId ?? recipientParticipantUserId),
      status,
    ),
    itemIndex,
    wamid,
    status: knownStatus(rawStatus),
    rawStatus,
    timestamp: epochSeconds(status['timestamp']),
    recipientId,
    recipientUserId,
    parentRecipientUserId: nonEmpty(status['parent_recipient_user_id']),
    recipientType: nonEmpty(status['recipient_type']),
    recipientParticipantId,
    recipientParticipantUserId,
    recipientIdentityKeyHash: nonEmpty(status['recipient_identity_key_hash']),
    conversation: parseConversation(status['conversation']),
    pricing: parsePricing(status['pricing']),
    errors: parseErrors(status['errors']),
    bizOpaqueCallbackData: text(status['biz_opaque_callback_data']),
    // In a group the contact of interest is the participant, not the group.
    contact: isGroup
      ? matchContact(contacts, recipientParticipantId, recipientParticipantUserId)
      : matchContact(contacts, recipientId, recipientUserId),
  };
}

/**
 * `(wamid, status)` as contract §10.5 says, plus the group participant:
 * one group message is read by many participants, each a distinct event.
 *
 * The timestamp is deliberately left out. Retries and fan-out copies carry
 * the same one anyway, so it would not help deduplication; and a second
 * `delivered` for the same wamid with another timestamp is no new state for
 * the status machine (it never downgrades and orders by timestamp), so
 * letting it through would only cost a no-op downstream while keying on it
 * would make the key depend on a value Meta does not promise to keep stable.
 */
function statusIdentity(wabaId: string, wamid: string, rawStatus: string, participant: string | undefined): unknown[] {
  return ['message.status', wabaId, wamid, rawStatus, participant ?? null];
}

function knownStatus(raw: string): MessageStatus {
  switch (raw) {
    case 'sent':
    case 'delivered':
    case 'read':
    case 'failed':
    case 'played':
      return raw;
    default:
      return 'unknown';
  }
}
