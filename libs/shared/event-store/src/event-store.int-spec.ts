import { EventStore } from './event-store';
import { ConcurrencyError } from './event-store.errors';
import { event, freshTenant, inTx, testPrisma } from './event-store.test-kit';

const prisma = testPrisma(process.env['DATABASE_URL'] ?? '');
const store = new EventStore();

afterAll(() => prisma.$disconnect());

describe('EventStore: append and read', () => {
  it('appends a batch and reads it back, per stream in stream order', async () => {
    const tenant = freshTenant();
    const metadata = {
      source: { topic: 'whatsapp.webhooks.raw.v1', partition: 3, offset: '42' },
      wamid: 'wamid.1',
      fbtraceId: 'fb-1',
    };
    const result = await inTx(prisma, (tx) =>
      store.appendBatch(tx, [
        { ...event(tenant, 'a', 'k1', { n: 1, when: new Date(0) }), metadata },
        event(tenant, 'b', 'k2'),
        event(tenant, 'a', 'k3'),
      ]),
    );

    expect(result.duplicates).toEqual([]);
    expect(result.appended.map((e) => [e.index, e.streamId, e.streamPosition])).toEqual([
      [0, 'a', 1],
      [1, 'b', 1],
      [2, 'a', 2],
    ]);
    const [g0, g1, g2] = result.appended.map((e) => e.globalPosition);
    expect(g0! < g1! && g1! < g2!).toBe(true);
    // What the append hands back equals what a read returns: the JSON round trip.
    expect(result.appended[0]!.data).toEqual({ n: 1, when: '1970-01-01T00:00:00.000Z' });

    const a = await inTx(prisma, (tx) => store.readStream(tx, tenant, 'a'));
    expect(a.map((e) => [e.idempotencyKey, e.streamPosition])).toEqual([
      ['k1', 1],
      ['k3', 2],
    ]);
    expect(a[0]).toEqual({
      globalPosition: g0,
      tenantId: tenant,
      streamId: 'a',
      streamPosition: 1,
      type: 'test.happened',
      schemaVersion: 1,
      data: { n: 1, when: '1970-01-01T00:00:00.000Z' },
      metadata,
      idempotencyKey: 'k1',
      recordedAt: expect.any(Date),
    });
    const { index: _index, ...appended } = result.appended[0]!;
    expect(appended).toEqual(a[0]);
    expect(await inTx(prisma, (tx) => store.readStream(tx, tenant, 'a', { afterPosition: 1 }))).toHaveLength(1);
    expect(await inTx(prisma, (tx) => store.readStream(tx, tenant, 'nothing'))).toEqual([]);
  });

  it('skips duplicates across calls and within a batch, reporting where the stored event is', async () => {
    const tenant = freshTenant();
    const first = await inTx(prisma, (tx) => store.appendBatch(tx, [event(tenant, 's', 'k1'), event(tenant, 's', 'k2')]));
    const [k1, k2] = first.appended;

    const again = await inTx(prisma, (tx) =>
      store.appendBatch(tx, [
        event(tenant, 's', 'k2'), // stored by the first call
        event(tenant, 's', 'k3'),
        event(tenant, 's', 'k3'), // repeated in this batch
        event(tenant, 's', 'k1'),
        event(tenant, 's', 'k4'),
      ]),
    );

    expect(again.appended.map((e) => [e.index, e.idempotencyKey, e.streamPosition])).toEqual([
      [1, 'k3', 3],
      [4, 'k4', 4],
    ]);
    const k3 = again.appended[0]!;
    const duplicate = (index: number, reason: string, key: string, streamPosition: number, globalPosition: bigint) => ({
      index,
      reason,
      tenantId: tenant,
      idempotencyKey: key,
      streamId: 's',
      streamPosition,
      globalPosition,
    });
    expect(again.duplicates).toEqual([
      duplicate(0, 'already-stored', 'k2', 2, k2!.globalPosition),
      duplicate(2, 'repeated-in-batch', 'k3', 3, k3.globalPosition),
      duplicate(3, 'already-stored', 'k1', 1, k1!.globalPosition),
    ]);
    const stream = await inTx(prisma, (tx) => store.readStream(tx, tenant, 's'));
    expect(stream.map((e) => e.idempotencyKey)).toEqual(['k1', 'k2', 'k3', 'k4']);
    expect(stream.map((e) => e.streamPosition)).toEqual([1, 2, 3, 4]);
  });

  it('replays a whole batch as duplicates and writes nothing', async () => {
    const tenant = freshTenant();
    const batch = [event(tenant, 's', 'k1'), event(tenant, 't', 'k2')];
    await inTx(prisma, (tx) => store.appendBatch(tx, batch));
    const replay = await inTx(prisma, (tx) => store.appendBatch(tx, batch));
    expect(replay.appended).toEqual([]);
    expect(replay.duplicates.map((d) => d.reason)).toEqual(['already-stored', 'already-stored']);
  });

  it('scopes idempotency keys and streams to the tenant', async () => {
    const [a, b] = [freshTenant('a'), freshTenant('b')];
    const result = await inTx(prisma, (tx) => store.appendBatch(tx, [event(a, 's', 'k'), event(b, 's', 'k')]));
    expect(result.appended.map((e) => [e.tenantId, e.streamPosition])).toEqual([
      [a, 1],
      [b, 1],
    ]);
  });

  it('numbers on across several appends in one transaction', async () => {
    const tenant = freshTenant();
    const [first, second] = await inTx(prisma, async (tx) => [
      await store.appendBatch(tx, [event(tenant, 's', 'k1'), event(tenant, 's', 'k2')]),
      await store.appendBatch(tx, [event(tenant, 's', 'k2'), event(tenant, 's', 'k3')]),
    ]);
    expect(first!.appended.map((e) => e.streamPosition)).toEqual([1, 2]);
    expect(second!.appended.map((e) => e.streamPosition)).toEqual([3]);
    expect(second!.duplicates.map((d) => d.streamPosition)).toEqual([2]);
  });

  it('accepts an empty batch without a round trip', async () => {
    expect(await inTx(prisma, (tx) => store.appendBatch(tx, []))).toEqual({ appended: [], duplicates: [] });
  });
});

describe('EventStore: optimistic concurrency', () => {
  it('appends when every expected position holds, and stores nothing when one moved', async () => {
    const tenant = freshTenant();
    await inTx(prisma, (tx) =>
      store.appendBatch(tx, [event(tenant, 'a', 'a1'), event(tenant, 'b', 'b1')], {
        expectedStreamPositions: [
          { tenantId: tenant, streamId: 'a', position: 0 },
          { tenantId: tenant, streamId: 'b', position: 0 },
        ],
      }),
    );

    const attempt = inTx(prisma, (tx) =>
      store.appendBatch(tx, [event(tenant, 'a', 'a2'), event(tenant, 'b', 'b2')], {
        expectedStreamPositions: [
          { tenantId: tenant, streamId: 'a', position: 1 },
          { tenantId: tenant, streamId: 'b', position: 0 },
        ],
      }),
    );
    await expect(attempt).rejects.toThrow(ConcurrencyError);
    await expect(attempt).rejects.toMatchObject({
      code: 'STREAM_VERSION_CONFLICT',
      retryable: true,
      conflicts: [{ tenantId: tenant, streamId: 'b', expected: 0, actual: 1 }],
    });
    const a = await inTx(prisma, (tx) => store.readStream(tx, tenant, 'a'));
    expect(a.map((e) => e.idempotencyKey)).toEqual(['a1']);
  });

  it('lets a replay through whatever it expected: idempotency comes first', async () => {
    const tenant = freshTenant();
    const options = { expectedStreamPositions: [{ tenantId: tenant, streamId: 's', position: 0 }] };
    await inTx(prisma, (tx) => store.appendBatch(tx, [event(tenant, 's', 'k1')], options));
    const replay = await inTx(prisma, (tx) => store.appendBatch(tx, [event(tenant, 's', 'k1')], options));
    expect(replay.duplicates).toHaveLength(1);
  });

  it('refuses an expectation for a stream the batch does not touch', async () => {
    const tenant = freshTenant();
    const expectedStreamPositions = [{ tenantId: tenant, streamId: 'other', position: 0 }];
    const attempt = inTx(prisma, (tx) => store.appendBatch(tx, [event(tenant, 's', 'k1')], { expectedStreamPositions }));
    await expect(attempt).rejects.toMatchObject({ code: 'INVALID_EVENT', retryable: false });
  });
});

describe('EventStore: reading the whole log', () => {
  it('pages through global order, optionally for one tenant and up to a bound', async () => {
    const [a, b] = [freshTenant('a'), freshTenant('b')];
    const { appended } = await inTx(prisma, (tx) =>
      store.appendBatch(
        tx,
        Array.from({ length: 7 }, (_, i) => event(i % 2 ? b : a, `s${i % 3}`, `k${i}`)),
      ),
    );
    const start = appended[0]!.globalPosition - 1n;

    const pages: string[][] = [];
    let after = start;
    for (;;) {
      const page = await inTx(prisma, (tx) => store.readAll(tx, { afterPosition: after, limit: 3, tenantId: a }));
      if (page.length === 0) break;
      pages.push(page.map((e) => e.idempotencyKey));
      after = page[page.length - 1]!.globalPosition;
    }
    expect(pages).toEqual([['k0', 'k2', 'k4'], ['k6']]);

    const all = await inTx(prisma, (tx) =>
      store.readAll(tx, { afterPosition: start, limit: 1000, untilPosition: appended[4]!.globalPosition }),
    );
    const mine = all.filter((e) => e.tenantId === a || e.tenantId === b);
    expect(mine.map((e) => e.idempotencyKey)).toEqual(['k0', 'k1', 'k2', 'k3', 'k4']);
    const positions = all.map((e) => e.globalPosition);
    expect(positions).toEqual([...positions].sort((x, y) => (x < y ? -1 : 1)));
  });
});

describe('EventStore: projection checkpoints', () => {
  it('starts at 0, moves with its transaction, and rolls back with it', async () => {
    const name = `projection-${freshTenant()}`;
    expect(await inTx(prisma, (tx) => store.getCheckpoint(tx, name))).toBe(0n);

    await inTx(prisma, (tx) => store.saveCheckpoint(tx, name, 41n));
    await inTx(prisma, (tx) => store.saveCheckpoint(tx, name, 42n));
    expect(await inTx(prisma, (tx) => store.getCheckpoint(tx, name))).toBe(42n);

    // A consumer batch: append, apply, checkpoint; then fail before commit.
    const tenant = freshTenant();
    const failed = inTx(prisma, async (tx) => {
      const { appended } = await store.appendBatch(tx, [event(tenant, 's', 'k1')]);
      await store.saveCheckpoint(tx, name, appended[0]!.globalPosition);
      expect(await store.getCheckpoint(tx, name)).toBe(appended[0]!.globalPosition);
      throw new Error('crash before commit');
    });
    await expect(failed).rejects.toThrow('crash before commit');

    expect(await inTx(prisma, (tx) => store.getCheckpoint(tx, name))).toBe(42n);
    expect(await inTx(prisma, (tx) => store.readStream(tx, tenant, 's'))).toEqual([]);
    // Nothing of the failed batch survives, so its replay appends it as new.
    const replay = await inTx(prisma, (tx) => store.appendBatch(tx, [event(tenant, 's', 'k1')]));
    expect(replay.appended.map((e) => e.streamPosition)).toEqual([1]);
  });
});
