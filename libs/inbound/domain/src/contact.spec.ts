import { ContactObservation, currentProfileName, evolveContact, identitiesOf, initialContact, mergeContacts, Sender } from './contact';

const sender = (x: Partial<Sender>): Sender => ({ waId: undefined, userId: undefined, parentUserId: undefined, username: undefined, profileName: undefined, identityKeyHash: undefined, ...x });

describe('contact identity', () => {
  it('names a sender by wa_id first, then BSUID, and skips absent ones', () => {
    expect(identitiesOf({ waId: '155', userId: 'US.1' })).toEqual(['wa:155', 'bsuid:US.1']);
    expect(identitiesOf({ waId: undefined, userId: 'US.1' })).toEqual(['bsuid:US.1']);
    expect(identitiesOf({ waId: undefined, userId: undefined })).toEqual([]);
  });

  it('takes its id from the first identity of its earliest message by Meta time, not of the first to arrive', () => {
    const both = { type: 'message' as const, sender: sender({ waId: '155', userId: 'US.1' }), atMs: 2000, wamid: 'w2' };
    const bsuidOnly = { type: 'message' as const, sender: sender({ userId: 'US.1' }), atMs: 1000, wamid: 'w1' };
    const arrived = [both, bsuidOnly].reduce(evolveContact, initialContact('wa:155'));
    expect(arrived.contactId).toBe('bsuid:US.1');
    expect(arrived.origin).toEqual({ atMs: 1000, wamid: 'w1', identity: 'bsuid:US.1' });
    expect([bsuidOnly, both].reduce(evolveContact, initialContact('bsuid:US.1'))).toEqual(arrived);
  });

  it('keeps the profile name history and takes the latest by Meta time, whatever the arrival order', () => {
    const a = { type: 'message' as const, sender: sender({ waId: '155', profileName: 'Ann' }), atMs: 1000, wamid: 'w1' };
    const b = { type: 'message' as const, sender: sender({ waId: '155', profileName: 'Ann B.' }), atMs: 2000, wamid: 'w2' };
    const forward = [a, b].reduce(evolveContact, initialContact('wa:155'));
    const backward = [b, a].reduce(evolveContact, initialContact('wa:155'));
    expect(backward).toEqual(forward);
    expect(currentProfileName(forward)).toBe('Ann B.');
    expect(forward.profileNames.map((n) => n.name)).toEqual(['Ann', 'Ann B.']);
  });

  it('records a number change and makes the new wa_id current', () => {
    const s = [
      { type: 'message' as const, sender: sender({ waId: '155' }), atMs: 1000, wamid: 'w1' },
      { type: 'number-changed' as const, fromWaId: '155', toWaId: '166', atMs: 2000, wamid: 'sys' },
      { type: 'message' as const, sender: sender({ waId: '155' }), atMs: 2000, wamid: 'sys' },
      { type: 'number-changed' as const, fromWaId: '155', toWaId: '166', atMs: 2000, wamid: 'sys' },
    ].reduce(evolveContact, initialContact('wa:155'));
    expect(s.waId?.value).toBe('166');
    expect(s.numberChanges).toEqual([{ fromWaId: '155', toWaId: '166', atMs: 2000, wamid: 'sys' }]);
  });

  it('makes the new number current even when a message from the old one shares the notice\'s second, in either order', () => {
    const late = { type: 'message' as const, sender: sender({ waId: '155' }), atMs: 2000, wamid: 'zzz' };
    const notice: ContactObservation[] = [
      { type: 'message', sender: sender({ waId: '155' }), atMs: 2000, wamid: 'sys' },
      { type: 'number-changed', fromWaId: '155', toWaId: '166', atMs: 2000, wamid: 'sys' },
    ];
    const first = [late, ...notice].reduce(evolveContact, initialContact('wa:155'));
    const last = [...notice, late].reduce(evolveContact, initialContact('wa:155'));
    expect(first).toEqual(last);
    expect(last.waId?.value).toBe('166');
  });

  it('merges two contacts into what folding all their messages into one gives, keeping the earliest id', () => {
    const oldNumber: ContactObservation[] = [
      { type: 'message', sender: sender({ waId: '155', profileName: 'Ann' }), atMs: 1000, wamid: 'w1' },
      { type: 'message', sender: sender({ waId: '155' }), atMs: 2000, wamid: 'sys' },
      { type: 'number-changed', fromWaId: '155', toWaId: '166', atMs: 2000, wamid: 'sys' },
    ];
    const newNumber: ContactObservation[] = [
      { type: 'message', sender: sender({ waId: '166', profileName: 'Ann B.', userId: 'US.1' }), atMs: 3000, wamid: 'w3' },
      { type: 'identity-changed', hash: 'h', atMs: 3500, wamid: 'w4' },
    ];
    const a = oldNumber.reduce(evolveContact, initialContact('wa:155'));
    const b = newNumber.reduce(evolveContact, initialContact('wa:166'));
    const all = [...newNumber, ...oldNumber].reduce(evolveContact, initialContact('wa:166'));
    expect(mergeContacts(a, b)).toEqual(all);
    expect(mergeContacts(b, a)).toEqual(all);
    expect(mergeContacts(all, all)).toEqual(all);
    expect(all).toMatchObject({ contactId: 'wa:155', waId: { value: '166' }, userId: { value: 'US.1' }, firstSeenAtMs: 1000, lastSeenAtMs: 3500 });
    expect(all.profileNames.map((n) => n.name)).toEqual(['Ann', 'Ann B.']);
    expect(all.numberChanges).toEqual([{ fromWaId: '155', toWaId: '166', atMs: 2000, wamid: 'sys' }]);
  });

  it('does not let a message without wa_id erase the known one', () => {
    const s = [
      { type: 'message' as const, sender: sender({ waId: '155', userId: 'US.1' }), atMs: 1000, wamid: 'w1' },
      { type: 'message' as const, sender: sender({ userId: 'US.1', username: 'ann' }), atMs: 2000, wamid: 'w2' },
    ].reduce(evolveContact, initialContact('wa:155'));
    expect([s.waId?.value, s.userId?.value, s.username?.value]).toEqual(['155', 'US.1', 'ann']);
  });
});
