import type { EventStore } from './event-store';
import type { EventStoreTx } from './event-store.tx';
import type { RecordedEvent } from './event.types';

const PAGE = 5000;

export interface ProjectionRebuild<Tx extends EventStoreTx> {
  /** Checkpoint name saved with the rebuilt projection. */
  checkpoint: string;
  /** Empties the projection's tables (the event store keeps every fact). */
  truncate(tx: Tx): Promise<void>;
  /** The events this projection folds. */
  select(event: RecordedEvent): boolean;
  /** Folds one page of selected events, in global order, through the live projection code, without side effects. */
  apply(tx: Tx, events: RecordedEvent[]): Promise<unknown>;
}

/**
 * Drops a projection and folds the store back into it. The upper bound is
 * taken before the long transaction (waiting for in-flight appends inside it
 * would hold every writer up for the whole rebuild); then one transaction,
 * so readers see the old projection until the new one is complete. Stop the
 * projection's consumers while it runs.
 */
export async function rebuildProjection<Tx extends EventStoreTx>(
  store: EventStore,
  db: { $transaction<T>(fn: (tx: Tx) => Promise<T>, options?: { timeout?: number }): Promise<T> },
  spec: ProjectionRebuild<Tx>,
): Promise<{ events: number; lastPosition: string }> {
  const until = await store.settledPosition(db, { timeoutMs: 30_000 });
  return db.$transaction(
    async (tx) => {
      await spec.truncate(tx);
      let after = 0n;
      let events = 0;
      for (;;) {
        const page = await store.readAll(tx, { afterPosition: after, limit: PAGE, untilPosition: until });
        if (page.length === 0) break;
        const mine = page.filter((e) => spec.select(e));
        if (mine.length > 0) await spec.apply(tx, mine);
        events += mine.length;
        after = page[page.length - 1]?.globalPosition ?? after;
      }
      await store.saveCheckpoint(tx, spec.checkpoint, after);
      return { events, lastPosition: after.toString() };
    },
    { timeout: 60 * 60_000 },
  );
}
