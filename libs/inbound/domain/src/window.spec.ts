import { contextOf, evolveConversation, initialConversation, InboundFact } from './conversation';
import { FREE_ENTRY_POINT_MS, initialWindow, observeWindow, SERVICE_WINDOW_MS, windowAt } from './window';

const T0 = Date.UTC(2026, 0, 10, 12, 0, 0);
const H = 60 * 60 * 1000;
const msg = (wamid: string, atMs: number, extra: Partial<InboundFact> = {}): InboundFact => ({ wamid, atMs, opensWindow: true, entryPoint: false, ...extra });
const fold = (facts: InboundFact[]) => facts.reduce(evolveConversation, initialConversation);

describe('the 24-hour customer-service window', () => {
  it('is closed before any customer message', () => {
    expect(windowAt(initialWindow, T0)).toEqual({ open: false, expiresAtMs: null, lastInboundAtMs: null, freeEntryPoint: null });
  });

  it('is open until exactly 24 h after the latest message, and closed at that instant', () => {
    const s = fold([msg('a', T0)]).window;
    expect(windowAt(s, T0 + SERVICE_WINDOW_MS - 1).open).toBe(true);
    expect(windowAt(s, T0 + SERVICE_WINDOW_MS).open).toBe(false);
    expect(windowAt(s, T0).expiresAtMs).toBe(T0 + 24 * H);
  });

  it('is reopened by each new message, even after it closed', () => {
    const s = fold([msg('a', T0), msg('b', T0 + 30 * H)]).window;
    expect(windowAt(s, T0 + 25 * H).open).toBe(true); // evaluated with everything known: b reopened it
    expect(windowAt(s, T0 + 30 * H + SERVICE_WINDOW_MS - 1).open).toBe(true);
    expect(windowAt(s, T0 + 54 * H).open).toBe(false);
  });

  it('gives the same answer when a late, older message arrives after a newer one', () => {
    const inOrder = fold([msg('a', T0), msg('b', T0 + 23 * H)]);
    const reordered = fold([msg('b', T0 + 23 * H), msg('a', T0)]);
    expect(reordered.window).toEqual(inOrder.window);
    expect(windowAt(reordered.window, T0 + 46 * H).open).toBe(true);
    expect(windowAt(reordered.window, T0 + 47 * H).open).toBe(false);
  });

  it('is not moved by duplicates', () => {
    const once = observeWindow(initialWindow, msg('a', T0));
    expect(observeWindow(once, msg('a', T0))).toEqual(once);
  });

  it('is not opened by a system message (number or identity changed)', () => {
    expect(fold([msg('sys', T0, { opensWindow: false })]).window).toEqual(initialWindow);
  });

  it('opens a 72-hour free entry point for a click-to-WhatsApp ad message', () => {
    const s = fold([msg('ad', T0, { entryPoint: true }), msg('later', T0 + 10 * H)]).window;
    const view = windowAt(s, T0 + 48 * H);
    expect(view.open).toBe(false);
    expect(view.freeEntryPoint).toEqual({ open: true, expiresAtMs: T0 + FREE_ENTRY_POINT_MS });
    expect(windowAt(s, T0 + 72 * H).freeEntryPoint?.open).toBe(false);
  });
});

describe('a message in its conversation', () => {
  it('knows whether it is the first and whether the window was already open', () => {
    const first = msg('a', T0);
    expect(contextOf(initialConversation, first)).toEqual({ firstMessage: true, windowOpenBefore: false, previous: null });
    const s = fold([first]);
    expect(contextOf(s, msg('b', T0 + 23 * H))).toMatchObject({ firstMessage: false, windowOpenBefore: true });
    expect(contextOf(s, msg('c', T0 + 24 * H))).toMatchObject({ firstMessage: false, windowOpenBefore: false });
  });

  it('places a late message by Meta time, not by arrival', () => {
    const s = fold([msg('b', T0 + 30 * H)]);
    // 'a' arrives after 'b' but happened first: it is the conversation's first message.
    expect(contextOf(s, msg('a', T0))).toEqual({ firstMessage: true, windowOpenBefore: false, previous: null });
    const both = evolveConversation(s, msg('a', T0));
    expect(both.first?.wamid).toBe('a');
    expect(both.last?.wamid).toBe('b');
    expect(both.messageCount).toBe(2);
  });
});
