import fc from 'fast-check';

import { blocksPayments } from './account-integrations';
import { alertsFor } from './alerts';
import type { AccountEvent, PaymentConfigurationChange } from './monitor-event.types';
import { accountEvents, reorderedAccountEvents } from './testing/account-event.arbitraries';
import { AccountState, projectAccount } from './waba-health';

/** What the projector does: the stored history plus one event, projected, stored as JSON in between. */
const foldViaStorage = (events: readonly AccountEvent[]): AccountState =>
  events.reduce<AccountState>((s, e) => JSON.parse(JSON.stringify(projectAccount([...s.history, e]))) as AccountState, projectAccount([]));

const alertKeys = (events: readonly AccountEvent[]) =>
  [...new Map(events.map((e) => [e.eventId, e])).values()].flatMap((e) => alertsFor(e).map((a) => `${e.eventId}:${a.kind}`)).sort();

/** The test's own reading of the rule: per name, the status of the latest event that has one, by (time, id). */
function expectedStatuses(events: readonly AccountEvent[]): Map<string, string | undefined> {
  const best = new Map<string, PaymentConfigurationChange>();
  const later = (a: PaymentConfigurationChange, b: PaymentConfigurationChange) => {
    const ta = a.atMs ?? -Infinity;
    const tb = b.atMs ?? -Infinity;
    return ta !== tb ? ta > tb : a.eventId > b.eventId;
  };
  const names = new Set<string>();
  for (const e of events) {
    if (e.type !== 'payment.configuration') continue;
    names.add(e.configurationName);
    if (e.status === undefined) continue;
    const cur = best.get(e.configurationName);
    if (!cur || later(e, cur)) best.set(e.configurationName, e);
  }
  return new Map([...names].map((n) => [n, best.get(n)?.status]));
}

describe('account state properties (payment configurations, partner solutions)', () => {
  it('given any reordering and redelivery, then project gives the identical state', () => {
    fc.assert(
      fc.property(reorderedAccountEvents, ({ events, replay }) => {
        expect(projectAccount(replay)).toStrictEqual(projectAccount(events));
      }),
      { numRuns: 500 },
    );
  });

  it('given the events one at a time, stored as JSON between them as the projector does, then the state is the projection of the set', () => {
    fc.assert(
      fc.property(reorderedAccountEvents, ({ events, replay }) => {
        expect(foldViaStorage(replay)).toEqual(JSON.parse(JSON.stringify(projectAccount(events))));
      }),
    );
  });

  it('given any reordering and redelivery, then the same alerts, one per event and kind', () => {
    fc.assert(
      fc.property(reorderedAccountEvents, ({ events, replay }) => {
        expect(alertKeys(replay)).toEqual(alertKeys(events));
      }),
    );
  });

  it('keeps each configuration at the status of its latest event by Meta’s time, and whether that blocks payments', () => {
    fc.assert(
      fc.property(accountEvents, (events) => {
        const state = projectAccount(events);
        const expected = expectedStatuses(events);
        expect(state.paymentConfigurations.map((c) => c.name)).toEqual([...expected.keys()].sort());
        for (const c of state.paymentConfigurations) {
          expect(c.status).toBe(expected.get(c.name));
          expect(c.blocksPayments).toBe(blocksPayments(c.status));
        }
      }),
    );
  });

  it('given a state, when one of its events arrives again, then nothing changes', () => {
    fc.assert(
      fc.property(accountEvents.filter((e) => e.length > 0), fc.nat(), (events, pick) => {
        const state = projectAccount(events);
        expect(projectAccount([...state.history, events[pick % events.length]!])).toStrictEqual(state);
      }),
    );
  });
});
