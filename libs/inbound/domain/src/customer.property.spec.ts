import fc from 'fast-check';

import { identitiesOf } from './contact';
import { conversationKey, CustomerMessage, emptyProjection, namedIdentities, placeMessage } from './customer.projection';

const T0 = Date.UTC(2026, 0, 1);
const H = 60 * 60 * 1000;

/**
 * One customer's messages (and a stranger's): an old and a new number, a
 * BSUID, messages from either number with or without the BSUID, number-change
 * notices from the old number to the new, identity notices, and now and then
 * a number the customer never changed to. Timestamps on a coarse grid so ties
 * (a notice and a message in the same second) happen.
 */
const customerMessages = fc.uniqueArray(
  fc.record({
    wamid: fc.string({ minLength: 1, maxLength: 4 }),
    atMs: fc.integer({ min: 0, max: 60 }).map((h) => T0 + h * H),
    phoneNumberId: fc.constantFrom('p1', 'p2'),
    waId: fc.constantFrom('155', '166', '177', '999', undefined),
    userId: fc.constantFrom('US.1', 'US.9', undefined),
    kind: fc.constantFrom('text', 'text', 'text', 'number-changed', 'identity-changed'),
    newWaId: fc.constantFrom('166', '166', '177'),
    entryPoint: fc.boolean(),
  }),
  { selector: (m) => m.wamid, minLength: 1, maxLength: 14 },
).map((ms) =>
  ms.map(
    (m): CustomerMessage => ({
      wamid: m.wamid,
      atMs: m.atMs,
      phoneNumberId: m.phoneNumberId,
      sender: { waId: m.kind === 'number-changed' ? '155' : m.waId, userId: m.userId, parentUserId: undefined, username: undefined, profileName: m.kind === 'text' ? `name-${((m.atMs - T0) / H) % 3}` : undefined, identityKeyHash: undefined },
      notice: m.kind === 'number-changed' ? { type: 'number-changed', newWaId: m.newWaId } : m.kind === 'identity-changed' ? { type: 'identity-changed', hash: 'h' } : undefined,
      opensWindow: m.kind === 'text',
      entryPoint: m.kind === 'text' && m.entryPoint,
    }),
  ),
);

/** An arrival order: a permutation, with some messages delivered again anywhere in it. */
const arrivals = customerMessages.chain((ms) =>
  fc.tuple(fc.constant(ms), fc.shuffledSubarray(ms, { minLength: ms.length, maxLength: ms.length }), fc.array(fc.tuple(fc.constantFrom(...ms), fc.nat()), { maxLength: 8 })).map(([all, order, dups]) => {
    const out = [...order];
    for (const [m, at] of dups) out.splice(at % (out.length + 1), 0, m);
    return { all, arrived: out };
  }),
);

/**
 * The projection as the feature lib keeps it: aliases, contacts and
 * conversations (the working set), plus which conversation each message row
 * is in, moved as merges say. A duplicate is skipped, as the event store and
 * the projector's wamid check do. `viaJson` stores every state as JSON
 * between messages, as Postgres does.
 */
function project(messages: readonly CustomerMessage[], viaJson = false) {
  const p = emptyProjection();
  const rows = new Map<string, { phoneNumberId: string; contactId: string }>();
  for (const m of messages) {
    if (rows.has(m.wamid)) continue;
    const placed = placeMessage(p, m);
    for (const merge of placed.merges) for (const [wamid, row] of rows) if (row.contactId === merge.from) rows.set(wamid, { ...row, contactId: merge.into });
    rows.set(m.wamid, { phoneNumberId: m.phoneNumberId, contactId: placed.contactId });
    if (viaJson) {
      for (const [id, c] of p.contacts) p.contacts.set(id, JSON.parse(JSON.stringify(c)));
      for (const [key, c] of p.conversations) p.conversations.set(key, JSON.parse(JSON.stringify(c)));
    }
  }
  const sorted = <V>(m: Map<string, V>) => [...m.entries()].sort(([a], [b]) => (a < b ? -1 : 1));
  return { aliases: sorted(p.aliases), contacts: sorted(p.contacts), conversations: sorted(p.conversations), rows: sorted(new Map([...rows].map(([w, r]) => [w, conversationKey(r.phoneNumberId, r.contactId)]))) };
}

const byMetaTime = (ms: readonly CustomerMessage[]) => [...ms].sort((a, b) => a.atMs - b.atMs || (a.wamid < b.wamid ? -1 : 1));

describe('customer projection, for any arrival order of messages and number-change notices, with duplicates', () => {
  it('ends in the state Meta-time order gives: contacts, identities, conversations, windows, membership', () => {
    fc.assert(
      fc.property(arrivals, ({ all, arrived }) => {
        expect(project(arrived)).toEqual(project(byMetaTime(all)));
      }),
      { numRuns: 500 },
    );
  });

  it('ends in the same state when every state goes through JSON between messages', () => {
    fc.assert(
      fc.property(arrivals, ({ all, arrived }) => {
        expect(JSON.parse(JSON.stringify(project(arrived, true)))).toEqual(JSON.parse(JSON.stringify(project(byMetaTime(all)))));
      }),
      { numRuns: 200 },
    );
  });

  it('agrees with the definition: a contact per group of identities named together, its id from its earliest message, one conversation per business number', () => {
    fc.assert(
      fc.property(arrivals, ({ all, arrived }) => {
        const got = project(arrived);
        // Union-find over "named in the same message", independent of the code under test.
        const parent = new Map<string, string>();
        const find = (x: string): string => {
          const p = parent.get(x) ?? x;
          return p === x ? x : find(p);
        };
        for (const m of all) {
          const [head, ...rest] = namedIdentities(m);
          for (const r of rest) if (head !== undefined && find(r) !== find(head)) parent.set(find(r), find(head));
        }
        const groupOf = (m: CustomerMessage) => {
          const head = namedIdentities(m)[0];
          return head === undefined ? `anon:${m.wamid}` : find(head);
        };
        const groups = new Map<string, CustomerMessage[]>();
        for (const m of all) groups.set(groupOf(m), [...(groups.get(groupOf(m)) ?? []), m]);
        const rows = new Map(got.rows);
        const [expectedContacts, expectedConversations]: [string[], string[]] = [[], []];
        for (const ms of groups.values()) {
          // Every notice here has a sender, so a group with identities has a message naming its sender.
          const earliest = byMetaTime(ms).find((m) => identitiesOf(m.sender).length > 0);
          const contactId = earliest ? identitiesOf(earliest.sender)[0]! : `anon:${ms[0]!.wamid}`;
          expectedContacts.push(contactId);
          for (const m of ms) expect(rows.get(m.wamid)).toBe(conversationKey(m.phoneNumberId, contactId));
          for (const i of ms.flatMap(namedIdentities)) expect(new Map(got.aliases).get(i)).toBe(contactId);
          for (const phone of new Set(ms.map((m) => m.phoneNumberId))) {
            const mine = ms.filter((m) => m.phoneNumberId === phone);
            const opening = mine.filter((m) => m.opensWindow).map((m) => m.atMs);
            const conv = new Map(got.conversations).get(conversationKey(phone, contactId));
            expectedConversations.push(conversationKey(phone, contactId));
            expect(conv?.state.messageCount).toBe(mine.length);
            expect(conv?.state.window.lastInboundAtMs).toBe(opening.length > 0 ? Math.max(...opening) : null);
          }
        }
        expect(got.contacts.map(([id]) => id)).toEqual([...expectedContacts].sort());
        expect(got.conversations.map(([key]) => key)).toEqual([...expectedConversations].sort());
        expect(got.aliases.map(([identity]) => identity)).toEqual([...new Set(all.flatMap(namedIdentities))].sort());
      }),
      { numRuns: 300 },
    );
  });
});
