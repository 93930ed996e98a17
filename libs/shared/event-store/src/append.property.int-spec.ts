import fc from 'fast-check';

import { EventStore } from './event-store';
import { event, freshTenant, inTx, testPrisma } from './event-store.test-kit';

const prisma = testPrisma(process.env['DATABASE_URL'] ?? '');
const store = new EventStore();

afterAll(() => prisma.$disconnect());

/** A key always belongs to the same stream, as a key derived from its input does. */
const streamOf = (key: number) => `s${key % 3}`;

describe('appendBatch, for any sequence of batches with repeats', () => {
  it('stores exactly the distinct keys, each stream in first-seen order, numbered 1..n', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(fc.nat({ max: 11 }), { maxLength: 15 }), { maxLength: 6 }), async (batches) => {
        const tenant = freshTenant('prop');
        let appended = 0;
        for (const batch of batches) {
          const result = await inTx(prisma, (tx) =>
            store.appendBatch(tx, batch.map((k) => event(tenant, streamOf(k), `k${k}`))),
          );
          expect(result.appended.length + result.duplicates.length).toBe(batch.length);
          appended += result.appended.length;
        }

        const firstSeen = [...new Set(batches.flat())];
        expect(appended).toBe(firstSeen.length);
        for (const stream of ['s0', 's1', 's2']) {
          const stored = await inTx(prisma, (tx) => store.readStream(tx, tenant, stream));
          const expected = firstSeen.filter((k) => streamOf(k) === stream).map((k) => `k${k}`);
          expect(stored.map((e) => e.idempotencyKey)).toEqual(expected);
          expect(stored.map((e) => e.streamPosition)).toEqual(expected.map((_, i) => i + 1));
        }
      }),
      { numRuns: 60 },
    );
  });
});
