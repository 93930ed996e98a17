import { currentProfileName, evolveContact, identitiesOf, initialContact, resolveContact, Sender } from './contact';

const sender = (x: Partial<Sender>): Sender => ({ waId: undefined, userId: undefined, parentUserId: undefined, username: undefined, profileName: undefined, identityKeyHash: undefined, ...x });

describe('contact identity', () => {
  it('names a sender by wa_id first, then BSUID, and skips absent ones', () => {
    expect(identitiesOf({ waId: '155', userId: 'US.1' })).toEqual(['wa:155', 'bsuid:US.1']);
    expect(identitiesOf({ waId: undefined, userId: 'US.1' })).toEqual(['bsuid:US.1']);
    expect(identitiesOf({ waId: undefined, userId: undefined })).toEqual([]);
  });

  it('links a new identity to the contact an existing one names', () => {
    const known = new Map([['bsuid:US.1', 'bsuid:US.1']]);
    expect(resolveContact(['wa:155', 'bsuid:US.1'], known, 'anon:x')).toEqual({ contactId: 'bsuid:US.1', newLinks: ['wa:155'] });
    expect(resolveContact(['wa:155'], new Map(), 'anon:x')).toEqual({ contactId: 'wa:155', newLinks: ['wa:155'] });
    expect(resolveContact([], new Map(), 'anon:wamid.1')).toEqual({ contactId: 'anon:wamid.1', newLinks: [] });
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

  it('does not let a message without wa_id erase the known one', () => {
    const s = [
      { type: 'message' as const, sender: sender({ waId: '155', userId: 'US.1' }), atMs: 1000, wamid: 'w1' },
      { type: 'message' as const, sender: sender({ userId: 'US.1', username: 'ann' }), atMs: 2000, wamid: 'w2' },
    ].reduce(evolveContact, initialContact('wa:155'));
    expect([s.waId?.value, s.userId?.value, s.username?.value]).toEqual(['155', 'US.1', 'ann']);
  });
});
