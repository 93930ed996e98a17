import { initialWindow, mergeWindows, observeWindow, SERVICE_WINDOW_MS, WindowState } from './window';

/** Keep this many of a conversation's latest window-opening messages: enough to place a late one. */
export const RECENT_LIMIT = 32;

export interface MessageRef {
  readonly wamid: string;
  readonly atMs: number;
}

/** One inbound message as the conversation fold sees it. */
export interface InboundFact extends MessageRef {
  readonly opensWindow: boolean;
  readonly entryPoint: boolean;
}

/**
 * A conversation (tenant, business number, contact). Every field is a
 * function of the *set* of messages folded in (min, max, count, top-N), so
 * any arrival order of the same messages gives the same state.
 */
export interface ConversationState {
  readonly messageCount: number;
  readonly first: MessageRef | null;
  readonly last: MessageRef | null;
  readonly window: WindowState;
  /** The latest RECENT_LIMIT window-opening messages, oldest first. */
  readonly recent: readonly MessageRef[];
}

export const initialConversation: ConversationState = { messageCount: 0, first: null, last: null, window: initialWindow, recent: [] };

/** Meta time first, wamid to break ties: a total order independent of arrival. */
export const before = (a: MessageRef, b: MessageRef): boolean => a.atMs < b.atMs || (a.atMs === b.atMs && a.wamid < b.wamid);

/** Folds one message. The event store has removed duplicates already (one event per wamid). */
export function evolveConversation(s: ConversationState, f: InboundFact): ConversationState {
  const ref = { wamid: f.wamid, atMs: f.atMs };
  const recent = f.opensWindow && !s.recent.some((r) => r.wamid === f.wamid) ? [...s.recent, ref].sort((a, b) => (before(a, b) ? -1 : 1)).slice(-RECENT_LIMIT) : s.recent;
  return {
    messageCount: s.messageCount + 1,
    first: s.first === null || before(ref, s.first) ? ref : s.first,
    last: s.last === null || before(s.last, ref) ? ref : s.last,
    window: observeWindow(s.window, f),
    recent,
  };
}

const earlierRef = (a: MessageRef | null, b: MessageRef | null): MessageRef | null => (a === null || (b !== null && before(b, a)) ? b : a);
const laterRef = (a: MessageRef | null, b: MessageRef | null): MessageRef | null => (a === null || (b !== null && before(a, b)) ? b : a);

/**
 * One conversation from two folded over disjoint sets of messages (a
 * customer's two contacts turned out to be one): the fold of the union,
 * whichever set was folded first. The count adds up, so each message must
 * be in one of them only, as every message is in one conversation.
 */
export function mergeConversations(a: ConversationState, b: ConversationState): ConversationState {
  const recent = [...a.recent, ...b.recent.filter((r) => !a.recent.some((x) => x.wamid === r.wamid))].sort((x, y) => (before(x, y) ? -1 : 1)).slice(-RECENT_LIMIT);
  return { messageCount: a.messageCount + b.messageCount, first: earlierRef(a.first, b.first), last: laterRef(a.last, b.last), window: mergeWindows(a.window, b.window), recent };
}

export interface MessageContext {
  /** No earlier message (by Meta time) is known in this conversation. */
  readonly firstMessage: boolean;
  /**
   * The window was open just before this message (an earlier window-opening
   * message less than 24 h before it); null when the message is older than
   * every message the state still remembers.
   */
  readonly windowOpenBefore: boolean | null;
  readonly previous: MessageRef | null;
}

/** What this message means for its conversation, given the state before it was folded. */
export function contextOf(s: ConversationState, f: MessageRef): MessageContext {
  const earlier = s.recent.filter((r) => r.wamid !== f.wamid && before(r, f));
  const previous = earlier[earlier.length - 1] ?? null;
  const oldest = s.recent[0];
  const unknown = previous === null && s.recent.length >= RECENT_LIMIT && oldest !== undefined && before(f, oldest);
  return {
    firstMessage: s.first === null || before(f, s.first),
    windowOpenBefore: unknown ? null : previous !== null && f.atMs < previous.atMs + SERVICE_WINDOW_MS,
    previous,
  };
}
