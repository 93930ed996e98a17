import { EventStore } from './event-store';
import { ConcurrencyError } from './event-store.errors';
import { event, freshTenant, holdTx, inTx, testPrisma, untilBlocked } from './event-store.test-kit';

const prisma = testPrisma(process.env['DATABASE_URL'] ?? '', 20);
const store = new EventStore();

afterAll(() => prisma.$disconnect());

const keys = (n: number, prefix: string) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

describe('concurrent appends', () => {
  it('queue the second writer of a stream behind the first, which numbers after it', async () => {
    const tenant = freshTenant();
    const first = await holdTx(prisma);
    await store.appendBatch(first.tx, keys(3, 'a').map((k) => event(tenant, 's', k)));

    const second = inTx(prisma, (tx) => store.appendBatch(tx, keys(2, 'b').map((k) => event(tenant, 's', k))));
    await untilBlocked(prisma, 'event_streams');
    await first.commit();

    expect((await second).appended.map((e) => e.streamPosition)).toEqual([4, 5]);
    const stream = await inTx(prisma, (tx) => store.readStream(tx, tenant, 's'));
    expect(stream.map((e) => [e.idempotencyKey, e.streamPosition])).toEqual([
      ['a0', 1],
      ['a1', 2],
      ['a2', 3],
      ['b0', 4],
      ['b1', 5],
    ]);
  });

  it('reuse a stream position freed by a rollback, leaving no hole', async () => {
    const tenant = freshTenant();
    const first = await holdTx(prisma);
    await store.appendBatch(first.tx, [event(tenant, 's', 'lost')]);
    const second = inTx(prisma, (tx) => store.appendBatch(tx, [event(tenant, 's', 'kept')]));
    await untilBlocked(prisma, 'event_streams');
    await first.rollback();

    expect((await second).appended.map((e) => e.streamPosition)).toEqual([1]);
  });

  it('see a key the writer ahead of them committed as a duplicate, not a conflict', async () => {
    const tenant = freshTenant();
    const first = await holdTx(prisma);
    await store.appendBatch(first.tx, [event(tenant, 's', 'k1')]);
    const second = inTx(prisma, (tx) => store.appendBatch(tx, [event(tenant, 's', 'k1'), event(tenant, 's', 'k2')]));
    await untilBlocked(prisma, 'event_streams');
    await first.commit();

    const result = await second;
    const duplicates = result.duplicates.map((d) => [d.idempotencyKey, d.reason, d.streamPosition]);
    expect(duplicates).toEqual([['k1', 'already-stored', 1]]);
    expect(result.appended.map((e) => [e.idempotencyKey, e.streamPosition])).toEqual([['k2', 2]]);
  });

  it('never produce a gap or a repeated stream position, whatever the interleaving', async () => {
    const tenant = freshTenant();
    const writers = 12;
    const perBatch = 25;
    // Every writer also touches streams the others touch, in a different
    // input order: the global lock order keeps them from deadlocking.
    await Promise.all(
      Array.from({ length: writers }, (_, w) =>
        inTx(prisma, (tx) =>
          store.appendBatch(
            tx,
            keys(perBatch, `w${w}-`).map((k, i) => event(tenant, ['hot', `x${(w + i) % 3}`][i % 2]!, k)),
          ),
        ),
      ),
    );

    for (const stream of ['hot', 'x0', 'x1', 'x2']) {
      const events = await inTx(prisma, (tx) => store.readStream(tx, tenant, stream));
      expect(events.map((e) => e.streamPosition)).toEqual(events.map((_, i) => i + 1));
      // Global order agrees with stream order: the stream lock is held until commit.
      const globals = events.map((e) => e.globalPosition);
      expect(globals).toEqual([...globals].sort((a, b) => (a < b ? -1 : 1)));
    }
    const hot = await inTx(prisma, (tx) => store.readStream(tx, tenant, 'hot'));
    expect(hot).toHaveLength(writers * Math.ceil(perBatch / 2));
  });

  it('abort with IDEMPOTENCY_KEY_RACE when the same key lands meanwhile on another stream', async () => {
    const tenant = freshTenant();
    const first = await holdTx(prisma);
    await store.appendBatch(first.tx, [event(tenant, 'one', 'k')]);
    const second = inTx(prisma, (tx) => store.appendBatch(tx, [event(tenant, 'two', 'k'), event(tenant, 'two', 'k2')]));
    await untilBlocked(prisma, 'WITH input AS');
    await first.commit();

    await expect(second).rejects.toThrow(ConcurrencyError);
    await expect(second).rejects.toMatchObject({ code: 'IDEMPOTENCY_KEY_RACE', retryable: true });
    // The rerun sees the key and reports it; the stream it lost stays empty.
    const rerun = await inTx(prisma, (tx) => store.appendBatch(tx, [event(tenant, 'two', 'k'), event(tenant, 'two', 'k2')]));
    expect(rerun.duplicates.map((d) => [d.streamId, d.streamPosition])).toEqual([['one', 1]]);
    expect(rerun.appended.map((e) => [e.streamId, e.streamPosition])).toEqual([['two', 1]]);
  });
});

describe('settledPosition', () => {
  it('waits for appends in flight, so a bounded read never skips a late commit', async () => {
    const tenant = freshTenant();
    const slow = await holdTx(prisma);
    const early = await store.appendBatch(slow.tx, [event(tenant, 'a', 'early')]);
    // A later writer draws a higher position and commits first.
    const late = await inTx(prisma, (tx) => store.appendBatch(tx, [event(tenant, 'b', 'late')]));
    expect(late.appended[0]!.globalPosition > early.appended[0]!.globalPosition).toBe(true);

    // An unbounded reader now sees the higher position and not the lower one:
    // checkpointing here would skip 'early' for good.
    const visible = await inTx(prisma, (tx) => store.readAll(tx, { afterPosition: 0n, limit: 10, tenantId: tenant }));
    expect(visible.map((e) => e.idempotencyKey)).toEqual(['late']);

    let settled: bigint | undefined;
    // Generous timeout: other suites share this database and may have appends in flight too.
    const settling = store.settledPosition(prisma, { timeoutMs: 30_000 }).then((p) => (settled = p));
    await untilBlocked(prisma, 'pg_advisory_xact_lock(');
    expect(settled).toBeUndefined();
    await slow.commit();
    await settling;

    expect(settled! >= late.appended[0]!.globalPosition).toBe(true);
    const bounded = await inTx(prisma, (tx) =>
      store.readAll(tx, { afterPosition: 0n, limit: 10, tenantId: tenant, untilPosition: settled! }),
    );
    expect(bounded.map((e) => e.idempotencyKey)).toEqual(['early', 'late']);
  });

  it('gives up after its timeout instead of stalling the writers behind it', async () => {
    const tenant = freshTenant();
    const slow = await holdTx(prisma);
    await store.appendBatch(slow.tx, [event(tenant, 'a', 'k1')]);

    await expect(store.settledPosition(prisma, { timeoutMs: 100 })).rejects.toThrow(/lock timeout/);
    // Writers were held back only while it waited.
    const other = await inTx(prisma, (tx) => store.appendBatch(tx, [event(tenant, 'b', 'k2')]));
    expect(other.appended).toHaveLength(1);
    await slow.commit();
  });
});
