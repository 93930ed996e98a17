import { parseErrors } from './common';
import { baseOf, ChangeScope, unknownEvent } from './event-base';
import { asArray, asRecord, epochSeconds, isRecord, JsonRecord, nonEmpty, numberish, text } from './json';
import { parseMessageContent } from './message-content';
import type { HistoryEvent, HistoryMessage, HistoryThread } from './messaging-events.types';
import type { UnknownEvent } from './meta-event.types';

/** `history[]` of a `history` change: one event per chunk (or per declined-sync error set). */
export function historyChunks(scope: ChangeScope, items: unknown): (HistoryEvent | UnknownEvent)[] {
  return asArray(items).map((chunk, itemIndex) => {
    if (!isRecord(chunk)) return unknownEvent(scope, 'item_not_object', chunk, { itemIndex });
    const metadata = asRecord(chunk['metadata']);
    return {
      kind: 'history',
      variant: 'chunk',
      // A chunk has no id of its own; its content (threads, phase, order) is
      // what a retry repeats, scoped to the phone number being synced.
      ...baseOf(scope, ['history.chunk', scope.wabaId, scope.phoneNumberId ?? null, chunk], chunk),
      itemIndex,
      phase: numberish(metadata?.['phase']),
      chunkOrder: numberish(metadata?.['chunk_order']),
      progress: numberish(metadata?.['progress']),
      threads: asArray(chunk['threads']).filter(isRecord).map(thread),
      errors: parseErrors(chunk['errors']),
    };
  });
}

/**
 * `messages[]` of a `history` change: the content of a media message that a
 * chunk listed as `media_placeholder`. Kept apart from `message.inbound` so
 * a past message never looks like new traffic.
 */
export function historyMedia(scope: ChangeScope, items: unknown): (HistoryEvent | UnknownEvent)[] {
  return asArray(items).map((item, itemIndex) => {
    if (!isRecord(item)) return unknownEvent(scope, 'item_not_object', item, { itemIndex });
    const wamid = nonEmpty(item['id']);
    if (wamid === undefined) return unknownEvent(scope, 'message_without_id', item, { itemIndex });
    return {
      kind: 'history',
      variant: 'media',
      ...baseOf(scope, ['history.media', scope.wabaId, wamid], item),
      itemIndex,
      message: historyMessage(item),
    };
  });
}

function thread(value: JsonRecord): HistoryThread {
  return { threadId: nonEmpty(value['id']), messages: asArray(value['messages']).filter(isRecord).map(historyMessage) };
}

function historyMessage(message: JsonRecord): HistoryMessage {
  return {
    wamid: nonEmpty(message['id']),
    from: nonEmpty(message['from']),
    to: nonEmpty(message['to']),
    timestamp: epochSeconds(message['timestamp']),
    messageType: nonEmpty(message['type']),
    content: parseMessageContent(message),
    status: text(asRecord(message['history_context'])?.['status']),
    raw: message,
  };
}
