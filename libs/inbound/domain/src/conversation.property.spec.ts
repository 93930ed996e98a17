import fc from 'fast-check';

import { contextOf, evolveConversation, InboundFact, initialConversation } from './conversation';
import { SERVICE_WINDOW_MS, windowAt } from './window';

const T0 = Date.UTC(2026, 0, 1);
const H = 60 * 60 * 1000;

/** Messages around the 24-hour boundary: timestamps on a coarse grid so ties and exact boundaries happen. */
const facts = fc.uniqueArray(
  fc.record({
    wamid: fc.string({ minLength: 1, maxLength: 4 }),
    atMs: fc.integer({ min: 0, max: 96 }).map((h) => T0 + h * (H / 2)),
    opensWindow: fc.boolean(),
    entryPoint: fc.boolean(),
  }),
  { selector: (f) => f.wamid, minLength: 1, maxLength: 25 },
);

/** An arrival order: a permutation of the facts with some of them delivered again. */
const arrivals = facts.chain((fs) =>
  fc.tuple(fc.constant(fs), fc.shuffledSubarray(fs, { minLength: fs.length, maxLength: fs.length }), fc.array(fc.constantFrom(...fs), { maxLength: 10 }), fc.array(fc.nat(), { maxLength: 10 })),
);

/** What the event store does: keep the first event per wamid. */
const dedupe = (fs: InboundFact[]): InboundFact[] => [...new Map(fs.map((f) => [f.wamid, f] as const)).values()];

function arrive(order: InboundFact[], dups: InboundFact[], places: number[]): InboundFact[] {
  const out = [...order];
  dups.forEach((d, i) => out.splice((places[i] ?? 0) % (out.length + 1), 0, d));
  return out;
}

describe('conversation fold, for any arrival order with duplicates', () => {
  it('yields the same state and window as Meta-time order', () => {
    fc.assert(
      fc.property(arrivals, fc.integer({ min: 0, max: 100 }), ([fs, order, dups, places], nowH) => {
        const byMetaTime = [...fs].sort((a, b) => a.atMs - b.atMs || (a.wamid < b.wamid ? -1 : 1));
        const reference = byMetaTime.reduce(evolveConversation, initialConversation);
        const arrived = arrive(order, dups, places);
        const stored = dedupe(arrived).reduce(evolveConversation, initialConversation);
        expect(stored).toEqual(reference);
        // The window is a max: it does not even need the store's deduplication.
        const raw = arrived.reduce(evolveConversation, initialConversation);
        const now = T0 + nowH * H;
        expect(windowAt(raw.window, now)).toEqual(windowAt(reference.window, now));
      }),
      { numRuns: 300 },
    );
  });

  it('agrees with the definition: open iff some window-opening message is less than 24 h old', () => {
    fc.assert(
      fc.property(facts, fc.integer({ min: 0, max: 100 }), (fs, nowH) => {
        const now = T0 + nowH * H;
        const latest = Math.max(...fs.filter((f) => f.opensWindow).map((f) => f.atMs));
        const expected = Number.isFinite(latest) && now < latest + SERVICE_WINDOW_MS;
        expect(windowAt(fs.reduce(evolveConversation, initialConversation).window, now).open).toBe(expected);
      }),
      { numRuns: 300 },
    );
  });

  it('gives each message the same context whatever arrived before it, once all are known', () => {
    fc.assert(
      fc.property(arrivals, ([fs, order]) => {
        const all = fs.reduce(evolveConversation, initialConversation);
        const other = order.reduce(evolveConversation, initialConversation);
        for (const f of fs) expect(contextOf(other, f)).toEqual(contextOf(all, f));
      }),
      { numRuns: 200 },
    );
  });
});
