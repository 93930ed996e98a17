import { matchContact, parseErrors } from './common';
import type { Contact } from './common.types';
import { baseOf, ChangeScope, unknownEvent } from './event-base';
import { asArray, asRecord, epochSeconds, isRecord, JsonRecord, nonEmpty, numberish, text } from './json';
import type { CallEvent, CallEventType } from './messaging-events.types';
import type { UnknownEvent } from './meta-event.types';

/** `calls[]` of a `calls` change: connect and terminate. */
export function callItems(scope: ChangeScope, items: unknown, contacts: readonly Contact[]): (CallEvent | UnknownEvent)[] {
  return asArray(items).map((item, itemIndex) => {
    if (!isRecord(item)) return unknownEvent(scope, 'item_not_object', item, { itemIndex });
    const callId = nonEmpty(item['id']);
    if (callId === undefined) return unknownEvent(scope, 'message_without_id', item, { itemIndex });
    const rawEvent = nonEmpty(item['event']);
    const from = nonEmpty(item['from']);
    const to = nonEmpty(item['to']);
    const direction = nonEmpty(item['direction']);
    const session = asRecord(item['session']);
    return {
      kind: 'calls',
      // A call connects once and terminates once: (call id, event) is the event.
      ...baseOf(scope, ['calls', scope.wabaId, callId, rawEvent ?? null], item),
      itemIndex,
      callId,
      callEvent: callEventType(rawEvent),
      rawEvent,
      direction,
      from,
      to,
      timestamp: epochSeconds(item['timestamp']),
      status: nonEmpty(item['status']),
      startTime: epochSeconds(item['start_time']),
      endTime: epochSeconds(item['end_time']),
      durationSeconds: numberish(item['duration']),
      session: session ? { sdp: text(session['sdp']), sdpType: text(session['sdp_type']) } : undefined,
      recipientId: undefined,
      bizOpaqueCallbackData: text(item['biz_opaque_callback_data']),
      errors: parseErrors(item['errors']),
      contact: callParty(contacts, from, to),
    };
  });
}

/** `statuses[]` of a `calls` change (`type: "call"`): RINGING, ACCEPTED, REJECTED… */
export function callStatuses(scope: ChangeScope, items: unknown, contacts: readonly Contact[]): (CallEvent | UnknownEvent)[] {
  return asArray(items).map((item, itemIndex) => {
    if (!isRecord(item)) return unknownEvent(scope, 'item_not_object', item, { itemIndex });
    const callId = nonEmpty(item['id']);
    if (callId === undefined) return unknownEvent(scope, 'status_without_id', item, { itemIndex });
    const status = nonEmpty(item['status']);
    if (status === undefined) return unknownEvent(scope, 'status_without_status', item, { itemIndex });
    return callStatus(scope, item, itemIndex, callId, status, contacts);
  });
}

function callStatus(
  scope: ChangeScope,
  item: JsonRecord,
  itemIndex: number,
  callId: string,
  status: string,
  contacts: readonly Contact[],
): CallEvent {
  const recipientId = nonEmpty(item['recipient_id']);
  return {
    kind: 'calls',
    // Like message statuses: (call id, status).
    ...baseOf(scope, ['calls.status', scope.wabaId, callId, status], item),
    itemIndex,
    callId,
    callEvent: 'status',
    rawEvent: status,
    direction: undefined,
    from: undefined,
    to: undefined,
    timestamp: epochSeconds(item['timestamp']),
    status,
    startTime: undefined,
    endTime: undefined,
    durationSeconds: undefined,
    session: undefined,
    recipientId,
    bizOpaqueCallbackData: text(item['biz_opaque_callback_data']),
    errors: parseErrors(item['errors']),
    contact: matchContact(contacts, recipientId, nonEmpty(item['recipient_user_id'])),
  };
}

function callEventType(raw: string | undefined): CallEventType {
  switch (raw) {
    case 'connect':
    case 'terminate':
      return raw;
    default:
      return 'unknown';
  }
}

/**
 * The user side of a call. `contacts[]` of a calls change only ever describes
 * the WhatsApp user (the business is never a contact), so either party may
 * match it, and a lone contact is that user even when the numbers are
 * formatted differently.
 */
function callParty(contacts: readonly Contact[], from: string | undefined, to: string | undefined): Contact | undefined {
  const byNumber = contacts.find((contact) => contact.waId !== undefined && (contact.waId === from || contact.waId === to));
  return byNumber ?? (contacts.length === 1 ? contacts[0] : undefined);
}
