import fc from 'fast-check';

import { decideOnStatus } from './decide';
import type { FallbackEvent, StatusObserved } from './fallback-event.types';
import { evolve, FallbackState, initialFallbackState } from './fallback-state';

const W = 'wamid.p';
const obs = (status: StatusObserved['status'], codes: number[] = []): StatusObserved => ({
  type: 'status',
  wamid: W,
  status,
  atMs: 1,
  recipientId: '15551234567',
  recipientUserId: null,
  marketing: false,
  errors: codes.map((code) => ({ code, details: null })),
});

/** The history Meta might report for one message: a 131026 failure, and maybe receipts. */
const history = fc.subarray([obs('sent'), obs('delivered'), obs('read')]).map((rest) => [obs('failed', [131026]), ...rest]);

/** Arrival: any order, any element repeated up to three times (Meta's retries, our replays). */
const arrival = history.chain((events) =>
  fc.tuple(fc.constant(events), fc.shuffledSubarray(events.flatMap((e) => [e, e, e]), { minLength: events.length * 3 })),
);

/** The feature's loop, restated: observations and decisions deduplicated by their keys. */
function run(arrivals: StatusObserved[]): { state: FallbackState; emitted: FallbackEvent[] } {
  const seen = new Set<string>();
  let state = initialFallbackState(W);
  const emitted: FallbackEvent[] = [];
  for (const o of arrivals) {
    if (seen.has(`status:${o.status}`)) continue;
    seen.add(`status:${o.status}`);
    state = evolve(state, o);
    for (const d of decideOnStatus(state, o, { overrides: {}, suppressed: false, retriesSoFar: 0, maxRetries: 3, nowMs: 2 })) {
      if (d.type === 'suppression' || seen.has(d.type)) continue;
      seen.add(d.type);
      state = evolve(state, d);
      emitted.push(d);
    }
  }
  return { state, emitted };
}

describe('decision properties', () => {
  it('given any order and duplication of a failed message history, then at most one SMS and one decision', () => {
    fc.assert(
      fc.property(arrival, ([events, arrivals]) => {
        const { emitted, state } = run(arrivals);
        expect(emitted.filter((e) => e.type === 'decided')).toHaveLength(1);
        expect(emitted.filter((e) => e.type === 'sms-requested').length).toBeLessThanOrEqual(1);
        expect(emitted.filter((e) => e.type === 'superseded').length).toBeLessThanOrEqual(1);
        // An SMS fired exactly when the failure was seen before any receipt…
        const firstOf = (s: string) => arrivals.findIndex((a) => a.status === s);
        const receipts = ['delivered', 'read'].map(firstOf).filter((i) => i >= 0);
        const failedFirst = receipts.every((i) => firstOf('failed') < i);
        expect(state.sms !== null).toBe(failedFirst);
        // …and is superseded exactly when a receipt came after it.
        expect(state.superseded !== null).toBe(failedFirst && events.some((e) => e.status === 'delivered' || e.status === 'read'));
      }),
      { numRuns: 500 },
    );
  });
});
