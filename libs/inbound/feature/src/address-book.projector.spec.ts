import fc from 'fast-check';

import type { RecordedEvent } from '@wahooks/event-store';
import { InboundTopics } from '@wahooks/events-contract';
import { AddressBookEntry, supersedes } from '@wahooks/inbound-domain';
import type { SqlTx } from '@wahooks/prisma';

import { AddressBookProjector } from './address-book.projector';
import type { AddressBookRepository } from './address-book.repository';
import { ContactSyncedData, contactSyncStoreKey, InboundEventTypes } from './inbound-events.mapper';

/** `inbound_address_book` in memory, with the upsert's guard. */
class MemoryBook {
  readonly rows = new Map<string, AddressBookEntry>();
  load = async (_tx: SqlTx, tenantId: string, identities: string[]) => new Map(identities.flatMap((i) => (this.rows.has(`${tenantId}|${i}`) ? [[i, this.rows.get(`${tenantId}|${i}`)!] as const] : [])));
  upsert = async (_tx: SqlTx, tenantId: string, entries: AddressBookEntry[]) => {
    for (const e of entries) {
      const current = this.rows.get(`${tenantId}|${e.identity}`);
      if (!current || supersedes(e, current)) this.rows.set(`${tenantId}|${e.identity}`, e);
    }
  };
  truncate = async () => this.rows.clear();
}

const tx = {} as SqlTx;
const T = 1_739_321_000;

function synced(position: number, data: Partial<ContactSyncedData> & Pick<ContactSyncedData, 'action'>, tenantId = 'acme'): RecordedEvent {
  const d: ContactSyncedData = {
    wabaId: 'waba',
    phoneNumberId: 'p1',
    displayPhoneNumber: null,
    identity: 'wa:1650',
    rawAction: data.action,
    phoneNumber: '1650',
    userId: null,
    parentUserId: null,
    username: null,
    fullName: data.action === 'add' ? 'Pablo' : null,
    firstName: null,
    timestamp: T,
    receivedAtMs: null,
    ...data,
  };
  return {
    globalPosition: BigInt(position),
    tenantId,
    streamId: `address-book:${d.identity}`,
    streamPosition: 1,
    type: InboundEventTypes.contactSynced,
    schemaVersion: 1,
    data: d,
    metadata: {},
    idempotencyKey: contactSyncStoreKey(`k${position}`),
    recordedAt: new Date(0),
  };
}

const setup = () => {
  const book = new MemoryBook();
  return { book, projector: new AddressBookProjector(book as unknown as AddressBookRepository) };
};

describe('AddressBookProjector', () => {
  it('publishes each sync that changes an entry on the contacts topic, keyed by tenant', async () => {
    const { book, projector } = setup();
    const result = await projector.apply(tx, [synced(1, { action: 'add', fullName: 'Pablo Morales', firstName: 'Pablo' })], { publish: true });
    expect(book.rows.get('acme|wa:1650')).toMatchObject({ fullName: 'Pablo Morales', removed: false, phoneNumberId: 'p1', waId: '1650', position: 1n });
    expect(result.outbox).toEqual([
      {
        tenantId: 'acme',
        topic: InboundTopics.contacts,
        key: 'acme',
        idempotencyKey: 'contact-synced:acme:k1',
        payload: {
          schemaVersion: 1,
          type: 'contact.synced',
          tenantId: 'acme',
          identity: 'wa:1650',
          waId: '1650',
          userId: null,
          parentUserId: null,
          username: null,
          fullName: 'Pablo Morales',
          firstName: 'Pablo',
          action: 'add',
          syncedAt: new Date(T * 1000).toISOString(),
          phoneNumberId: 'p1',
        },
      },
    ]);
  });

  it('stores a late add older than a removal without resurrecting or publishing it', async () => {
    const { book, projector } = setup();
    await projector.apply(tx, [synced(1, { action: 'remove', timestamp: T + 60 })], { publish: true });
    const late = await projector.apply(tx, [synced(2, { action: 'add', timestamp: T })], { publish: true });
    expect(book.rows.get('acme|wa:1650')).toMatchObject({ removed: true, fullName: null, atMs: (T + 60) * 1000 });
    expect([late.outbox, late.applied]).toEqual([[], []]);
  });

  it('folds an action it does not know, or an entry that names no one, not at all', async () => {
    const { book, projector } = setup();
    const result = await projector.apply(tx, [synced(1, { action: 'unknown', rawAction: 'edit' }), synced(2, { action: 'add', identity: null })], { publish: true });
    expect(book.rows.size).toBe(0);
    expect(result.outbox).toEqual([]);
    expect(result.ignored.map((i) => [i.reason, i.rawAction])).toEqual([
      ['unknown_action', 'edit'],
      ['no_identity', 'add'],
    ]);
  });

  it('publishes nothing in a rebuild', async () => {
    const { book, projector } = setup();
    expect((await projector.apply(tx, [synced(1, { action: 'add' })], { publish: false })).outbox).toEqual([]);
    expect(book.rows.size).toBe(1);
  });

  it('ends with the same table for any chunking and order of the stored events, and tenants apart', async () => {
    const events = fc
      .array(
        fc.record({
          identity: fc.constantFrom('wa:1', 'wa:2', 'bsuid:US.3'),
          action: fc.constantFrom<'add' | 'remove'>('add', 'remove'),
          at: fc.integer({ min: 0, max: 4 }),
          phoneNumberId: fc.constantFrom('p1', 'p2'),
          tenantId: fc.constantFrom('acme', 'other'),
        }),
        { minLength: 1, maxLength: 16 },
      )
      .map((xs) => xs.map((x, i) => synced(i + 1, { action: x.action, identity: x.identity, phoneNumberId: x.phoneNumberId, timestamp: T + x.at, fullName: x.action === 'add' ? `n${i}` : null }, x.tenantId)));
    await fc.assert(
      fc.asyncProperty(
        events.chain((es) => fc.tuple(fc.constant(es), fc.shuffledSubarray(es, { minLength: es.length, maxLength: es.length }), fc.integer({ min: 1, max: 5 }))),
        async ([stored, arrived, chunk]) => {
          const reference = setup();
          await reference.projector.apply(tx, stored, { publish: false });
          const other = setup();
          for (let i = 0; i < arrived.length; i += chunk) await other.projector.apply(tx, arrived.slice(i, i + chunk), { publish: true });
          expect(other.book.rows).toEqual(reference.book.rows);
        },
      ),
      { numRuns: 200 },
    );
  });
});
