import fc from 'fast-check';

import { AddressBookEntry, addressBookIdentity, AddressBookSync, evolveAddressBookEntry, supersedes } from './address-book';

const T0 = Date.UTC(2026, 0, 1);
const S = 1000;

const sync = (position: number, atS: number, action: 'add' | 'remove', extra: Partial<AddressBookSync> = {}): AddressBookSync => ({
  identity: 'wa:16505551234',
  action,
  phoneNumberId: 'p1',
  waId: '16505551234',
  userId: null,
  parentUserId: null,
  username: null,
  fullName: action === 'add' ? `name-${position}` : null,
  firstName: action === 'add' ? 'Pablo' : null,
  atMs: T0 + atS * S,
  position: BigInt(position),
  ...extra,
});

/** Folds syncs as the projector does: per identity, each against the entry stored so far. */
function fold(syncs: readonly AddressBookSync[]): Map<string, AddressBookEntry> {
  const book = new Map<string, AddressBookEntry>();
  for (const s of syncs) book.set(s.identity, evolveAddressBookEntry(book.get(s.identity) ?? null, s));
  return book;
}

describe('address book entry', () => {
  it('is the latest add, with its names', () => {
    expect(fold([sync(1, 10, 'add'), sync(2, 20, 'add')]).get('wa:16505551234')).toMatchObject({ fullName: 'name-2', removed: false, atMs: T0 + 20 * S, position: 2n });
  });

  it('keeps a removal against an older add that arrives late', () => {
    const entry = fold([sync(1, 20, 'remove'), sync(2, 10, 'add')]).get('wa:16505551234');
    expect(entry).toMatchObject({ removed: true, fullName: null, atMs: T0 + 20 * S, position: 1n });
  });

  it('comes back with an add newer than the removal', () => {
    expect(fold([sync(1, 20, 'remove'), sync(2, 30, 'add')]).get('wa:16505551234')).toMatchObject({ removed: false, fullName: 'name-2' });
  });

  it('breaks a tie of Meta time by global position, whatever was folded first', () => {
    const [add, remove] = [sync(7, 10, 'add'), sync(3, 10, 'remove')];
    expect(supersedes(add, remove)).toBe(true);
    expect(fold([add, remove]).get('wa:16505551234')?.removed).toBe(false);
    expect(fold([remove, add]).get('wa:16505551234')?.removed).toBe(false);
  });

  it('is keyed by the phone number, else the BSUID', () => {
    expect(addressBookIdentity({ phoneNumber: '1650', userId: 'US.1' })).toBe('wa:1650');
    expect(addressBookIdentity({ phoneNumber: undefined, userId: 'CO.2186878922080769' })).toBe('bsuid:CO.2186878922080769');
    expect(addressBookIdentity({ phoneNumber: undefined, userId: undefined })).toBeUndefined();
  });
});

/**
 * Syncs of a few entries, as the store holds them: each with its own global
 * position; Meta times on a coarse grid so ties (an add and a remove in the
 * same second) happen.
 */
const stored = fc
  .array(
    fc.record({
      identity: fc.constantFrom('wa:1', 'wa:2', 'bsuid:US.3'),
      action: fc.constantFrom<'add' | 'remove'>('add', 'add', 'remove'),
      atS: fc.integer({ min: 0, max: 6 }),
      phoneNumberId: fc.constantFrom('p1', 'p2'),
      fullName: fc.constantFrom('Ann', 'Ann B.', 'Bob'),
    }),
    { minLength: 1, maxLength: 20 },
  )
  .map((items) => items.map((x, i) => sync(i + 1, x.atS, x.action, { identity: x.identity, phoneNumberId: x.phoneNumberId, fullName: x.action === 'add' ? x.fullName : null })));

/** An arrival order: a permutation, with some syncs delivered again anywhere in it. */
const arrivals = stored.chain((syncs) =>
  fc.tuple(fc.constant(syncs), fc.shuffledSubarray(syncs, { minLength: syncs.length, maxLength: syncs.length }), fc.array(fc.tuple(fc.constantFrom(...syncs), fc.nat()), { maxLength: 6 })).map(([all, order, dups]) => {
    const out = [...order];
    for (const [s, at] of dups) out.splice(at % (out.length + 1), 0, s);
    return { all, arrived: out };
  }),
);

describe('address book fold, for any arrival order with duplicates', () => {
  it('yields the same entries as folding in (Meta time, position) order', () => {
    fc.assert(
      fc.property(arrivals, ({ all, arrived }) => {
        const inOrder = [...all].sort((a, b) => a.atMs - b.atMs || Number(a.position - b.position));
        expect(fold(arrived)).toEqual(fold(inOrder));
      }),
      { numRuns: 300 },
    );
  });

  it('agrees with the definition: each entry is its latest sync, removed iff that sync is a removal', () => {
    fc.assert(
      fc.property(arrivals, ({ all, arrived }) => {
        const book = fold(arrived);
        expect([...book.keys()].sort()).toEqual([...new Set(all.map((s) => s.identity))].sort());
        for (const [identity, entry] of book) {
          const latest = all.filter((s) => s.identity === identity).reduce((a, b) => (supersedes(b, a) ? b : a));
          const { action, ...kept } = latest;
          expect(entry).toEqual({ ...kept, removed: action === 'remove' });
        }
      }),
      { numRuns: 300 },
    );
  });
});
