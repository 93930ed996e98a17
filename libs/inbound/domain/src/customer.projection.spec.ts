import { Sender } from './contact';
import { mergeConversations } from './conversation';
import { conversationKey, CustomerMessage, CustomerProjection, emptyProjection, placeMessage } from './customer.projection';
import { windowAt } from './window';

const T0 = Date.UTC(2026, 0, 10, 12, 0, 0);
const H = 60 * 60 * 1000;
const sender = (x: Partial<Sender>): Sender => ({ waId: undefined, userId: undefined, parentUserId: undefined, username: undefined, profileName: undefined, identityKeyHash: undefined, ...x });
const text = (wamid: string, waId: string, atMs: number, phoneNumberId = 'p1'): CustomerMessage => ({ wamid, atMs, phoneNumberId, sender: sender({ waId }), notice: undefined, opensWindow: true, entryPoint: false });
const changed = (wamid: string, from: string, to: string, atMs: number): CustomerMessage => ({ wamid, atMs, phoneNumberId: 'p1', sender: sender({ waId: from }), notice: { type: 'number-changed', newWaId: to }, opensWindow: false, entryPoint: false });

const place = (messages: CustomerMessage[]): { p: CustomerProjection; placements: ReturnType<typeof placeMessage>[] } => {
  const p = emptyProjection();
  return { p, placements: messages.map((m) => placeMessage(p, m)) };
};

describe('placing customer messages', () => {
  const before = text('w1', '155', T0);
  const notice = changed('sys', '155', '166', T0 + H);
  const fromNew = text('w2', '166', T0 + 2 * H);

  it('joins a new number that wrote before its number-change notice arrived to the old contact', () => {
    const { p, placements } = place([before, fromNew, notice]);
    // The new number's message started a contact of its own; the notice joins it to the older one.
    expect(placements[1]?.contactId).toBe('wa:166');
    expect(placements[2]?.merges).toEqual([{ from: 'wa:166', into: 'wa:155', phoneNumberIds: ['p1'] }]);
    expect([...p.contacts.keys()]).toEqual(['wa:155']);
    expect(Object.fromEntries(p.aliases)).toEqual({ 'wa:155': 'wa:155', 'wa:166': 'wa:155' });
    expect(p.contacts.get('wa:155')).toMatchObject({ waId: { value: '166' }, numberChanges: [{ fromWaId: '155', toWaId: '166' }] });
    const conv = p.conversations.get(conversationKey('p1', 'wa:155'));
    expect([...p.conversations.keys()]).toEqual([conversationKey('p1', 'wa:155')]);
    expect(conv?.state).toMatchObject({ messageCount: 3, first: { wamid: 'w1' }, last: { wamid: 'w2' }, window: { lastInboundAtMs: T0 + 2 * H } });
  });

  it('ends in the same state when the notice comes first, without a merge', () => {
    const late = place([before, fromNew, notice]).p;
    const { p, placements } = place([notice, fromNew, before]);
    expect(placements.flatMap((x) => x.merges)).toEqual([]);
    expect(placements.map((x) => x.contactId)).toEqual(['wa:155', 'wa:155', 'wa:155']);
    expect(p).toEqual(late);
  });

  it('keeps the window of the latest customer message of either number', () => {
    const oldLatest = [text('a', '155', T0 + 30 * H), text('b', '166', T0 + 5 * H), changed('c', '155', '166', T0 + 4 * H)];
    const { p } = place(oldLatest);
    expect(p.conversations.get(conversationKey('p1', 'wa:155'))?.state.window.lastInboundAtMs).toBe(T0 + 30 * H);
    const { p: q } = place([text('b', '166', T0 + 30 * H), text('a', '155', T0), changed('c', '155', '166', T0 + 4 * H)]);
    const w = q.conversations.get(conversationKey('p1', 'wa:155'))?.state.window;
    expect(windowAt(w!, T0 + 53 * H)).toMatchObject({ open: true, expiresAtMs: T0 + 54 * H });
  });

  it('merges the conversations of each business number separately', () => {
    const { p, placements } = place([text('a', '166', T0 + 2 * H, 'p1'), text('b', '166', T0 + 3 * H, 'p2'), text('c', '155', T0, 'p2'), changed('sys', '155', '166', T0 + H)]);
    expect(placements[3]?.merges).toEqual([{ from: 'wa:166', into: 'wa:155', phoneNumberIds: ['p1', 'p2'] }]);
    expect([...p.conversations.keys()].sort()).toEqual([conversationKey('p1', 'wa:155'), conversationKey('p2', 'wa:155')]);
    // p1: the new number's message and the notice; p2: one message of each number.
    expect(p.conversations.get(conversationKey('p1', 'wa:155'))?.state).toMatchObject({ messageCount: 2, first: { wamid: 'sys' }, last: { wamid: 'a' } });
    expect(p.conversations.get(conversationKey('p2', 'wa:155'))?.state).toMatchObject({ messageCount: 2, first: { wamid: 'c' }, last: { wamid: 'b' } });
  });

  it('renames a contact when an older message that names another identity first arrives late', () => {
    const both: CustomerMessage = { ...text('w2', '155', T0 + H), sender: sender({ waId: '155', userId: 'US.1' }) };
    const bsuidOnly: CustomerMessage = { ...text('w1', '155', T0), sender: sender({ userId: 'US.1' }) };
    const { p, placements } = place([both, bsuidOnly]);
    expect(placements[1]?.merges).toEqual([{ from: 'wa:155', into: 'bsuid:US.1', phoneNumberIds: ['p1'] }]);
    expect(p).toEqual(place([bsuidOnly, both]).p);
  });

  it('gives a sender without any identity a contact of its own', () => {
    const anon: CustomerMessage = { ...text('w9', '1', T0), sender: sender({}) };
    const { p, placements } = place([anon, text('w1', '155', T0)]);
    expect(placements[0]?.contactId).toBe('anon:w9');
    expect(p.aliases.size).toBe(1);
    expect([...p.contacts.keys()].sort()).toEqual(['anon:w9', 'wa:155']);
  });
});

describe('merging conversations', () => {
  it('adds the counts and takes the first, last, window and latest messages of both', () => {
    const a = place([text('a1', '1', T0), text('a2', '1', T0 + 10 * H)]).p.conversations.get(conversationKey('p1', 'wa:1'))!.state;
    const b = place([text('b1', '2', T0 - H), { ...text('b2', '2', T0 + 5 * H), entryPoint: true }]).p.conversations.get(conversationKey('p1', 'wa:2'))!.state;
    const all = place([text('a1', '1', T0), text('a2', '1', T0 + 10 * H), text('b1', '1', T0 - H), { ...text('b2', '1', T0 + 5 * H), entryPoint: true }]).p.conversations.get(conversationKey('p1', 'wa:1'))!.state;
    expect(mergeConversations(a, b)).toEqual(all);
    expect(mergeConversations(b, a)).toEqual(all);
    expect(all).toMatchObject({ messageCount: 4, first: { wamid: 'b1' }, last: { wamid: 'a2' }, window: { lastInboundAtMs: T0 + 10 * H, lastEntryPointAtMs: T0 + 5 * H } });
  });
});
