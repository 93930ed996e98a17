import fc from 'fast-check';

import { byTimelineOrder } from './evidence';
import { CURRENT_PRECEDENCE } from './forward-rule';
import { evolve, initialState, project } from './message-state.projection';
import type { MessageState } from './message-state.types';
import { decideTransition } from './status-transition';
import { isConversion, type MessageEvent, type StatusEvent } from './status-event.types';
import { messageEvents, reorderedMessageEvents, reorderedWithDuplicates, statusEvent, statusEvents } from './testing/status-event.arbitraries';

const fold = (events: readonly StatusEvent[]): MessageState => events.reduce(evolve, initialState());
const precedence = (state: MessageState): number => (state.current === undefined ? -1 : CURRENT_PRECEDENCE[state.current]);

describe('message state properties', () => {
  it('given any reordering and redelivery of a history, then project gives the identical state', () => {
    fc.assert(
      fc.property(reorderedWithDuplicates, ({ events, replay }) => {
        expect(project(replay)).toStrictEqual(project(events));
      }),
      { numRuns: 500 },
    );
  });

  it('given any reordering and redelivery, then folding with evolve gives the state project gives', () => {
    fc.assert(
      fc.property(reorderedWithDuplicates, ({ events, replay }) => {
        expect(fold(replay)).toStrictEqual(project(events));
      }),
      { numRuns: 500 },
    );
  });

  it('given a state stored as JSON between every event, then the final state is the same', () => {
    fc.assert(
      fc.property(statusEvents, (events) => {
        const viaStorage = events.reduce(
          (state, event) => JSON.parse(JSON.stringify(evolve(state, event))) as MessageState,
          initialState(),
        );
        expect(viaStorage).toEqual(JSON.parse(JSON.stringify(project(events))));
      }),
    );
  });

  it('given any state, when one of its events arrives again, then nothing changes and no transition is reported', () => {
    fc.assert(
      fc.property(
        statusEvents.filter((events) => events.length > 0),
        fc.nat(),
        fc.nat({ max: 1_000 }),
        (events, pick, delay) => {
          const state = project(events);
          const again = events[pick % events.length]!;
          const next = evolve(state, { ...again, arrivalSeq: again.arrivalSeq + delay });
          expect(next).toStrictEqual(state);
          expect(decideTransition(state, next).changed).toBe(false);
        },
      ),
    );
  });

  it('given events folded in timestamp order, then the current status never moves backwards', () => {
    fc.assert(
      fc.property(statusEvents, (events) => {
        const ordered = [...events].sort(byTimelineOrder);
        let state = initialState();
        for (const event of ordered) {
          const next = evolve(state, event);
          expect(precedence(next)).toBeGreaterThanOrEqual(precedence(state));
          state = next;
        }
      }),
    );
  });

  it('given events folded in any order, then the current status never moves backwards either', () => {
    fc.assert(
      fc.property(statusEvents, statusEvent, (events, event) => {
        const state = project(events);
        expect(precedence(evolve(state, event))).toBeGreaterThanOrEqual(precedence(state));
      }),
    );
  });

  it('given any history, then the timeline holds one event per eventId and every copy is accounted for', () => {
    fc.assert(
      fc.property(statusEvents, (events) => {
        const { timeline, conflictingCopies } = project(events);
        const ids = timeline.map((event) => event.eventId);
        expect(new Set(ids).size).toBe(ids.length);
        expect(new Set(events.map((event) => event.eventId))).toEqual(new Set(ids));
        expect(conflictingCopies.every((copy) => ids.includes(copy.eventId))).toBe(true);
      }),
    );
  });
});

describe('message state properties with conversions', () => {
  const statusesOf = (events: readonly MessageEvent[]): StatusEvent[] => events.filter((e): e is StatusEvent => !isConversion(e));

  it('given any reordering and redelivery of statuses and conversions, then project and fold give the identical state', () => {
    fc.assert(
      fc.property(reorderedMessageEvents, ({ events, replay }) => {
        expect(project(replay)).toStrictEqual(project(events));
        expect(replay.reduce(evolve, initialState())).toStrictEqual(project(events));
      }),
      { numRuns: 500 },
    );
  });

  it('given conversions, then everything but `conversions` is what the statuses alone give: a conversion never moves the status', () => {
    fc.assert(
      fc.property(messageEvents, (events) => {
        const statuses = statusesOf(events);
        const withConversions = project(events);
        // Conversions carry the wamid too: with no status at all, only they name the message.
        const alone = project(statuses);
        expect({ ...withConversions, conversions: [], wamid: alone.wamid }).toStrictEqual(alone);
        expect(decideTransition(project(statuses), withConversions).changed).toBe(false);
      }),
    );
  });

  it('given a state stored as JSON between every event, then the conversions are the same', () => {
    fc.assert(
      fc.property(messageEvents, (events) => {
        const viaStorage = events.reduce((state, event) => JSON.parse(JSON.stringify(evolve(state, event))) as MessageState, initialState());
        expect(viaStorage).toEqual(JSON.parse(JSON.stringify(project(events))));
      }),
    );
  });

  it('given any history, then one conversion per eventId, the earliest copy, in (time, eventId) order', () => {
    fc.assert(
      fc.property(messageEvents, (events) => {
        const { conversions } = project(events);
        const ids = conversions.map((c) => c.eventId);
        expect(new Set(ids).size).toBe(ids.length);
        expect(new Set(ids)).toEqual(new Set(events.filter(isConversion).map((c) => c.eventId)));
        for (const c of conversions) {
          const times = events.filter(isConversion).filter((x) => x.eventId === c.eventId).map((x) => x.atMs ?? Infinity);
          expect(c.atMs ?? Infinity).toBe(Math.min(...times));
        }
        const order = conversions.map((c) => [c.atMs ?? Infinity, c.eventId] as const);
        expect(order).toEqual([...order].sort((a, b) => a[0] - b[0] || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0)));
      }),
    );
  });
});
