/**
 * Outcomes of work done outside a transaction (an SMS sent, an alert
 * posted, a medium downloaded) that could not be written yet because the
 * database refused (read-only during a failover, gone, timed out). The lease
 * workers write them first thing in their next round, from memory, instead
 * of leaving their rows leased until the lease runs out and then doing the
 * work again (a second SMS, a second download). Bounded by one round's batch:
 * a round that still holds outcomes claims nothing new. A crash loses them,
 * and the lease brings the rows back as before.
 */
export class UnrecordedOutcomes<T> {
  private readonly held: T[] = [];

  get size(): number {
    return this.held.length;
  }

  /** Writes `outcomes`; if `write` throws they are held for `retry` and the error is rethrown. */
  async record(outcomes: T[], write: (outcomes: T[]) => Promise<void>): Promise<void> {
    try {
      await write(outcomes);
    } catch (error) {
      this.held.push(...outcomes);
      throw error;
    }
  }

  /** Writes the held outcomes, if any (held again when it fails); returns how many it tried. */
  async retry(write: (outcomes: T[]) => Promise<void>): Promise<number> {
    if (this.held.length === 0) return 0;
    const outcomes = this.held.splice(0);
    await this.record(outcomes, write);
    return outcomes.length;
  }
}
