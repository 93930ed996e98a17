import fc from 'fast-check';

import { alertsFor } from './alerts';
import type { TemplateEvent } from './monitor-event.types';
import { maySend } from './send-policy';
import { evolveTemplate, initialTemplateState, projectTemplate, TemplateState } from './template-state';
import { reorderedWithDuplicates, templateEvents } from './testing/template-event.arbitraries';
import { T0_MS } from './testing/template-event.builders';

const fold = (events: readonly TemplateEvent[]): TemplateState => events.reduce(evolveTemplate, initialTemplateState());
const alertKeys = (events: readonly TemplateEvent[]) =>
  [...new Map(events.map((e) => [e.eventId, e])).values()].flatMap((e) => alertsFor(e).map((a) => `${e.eventId}:${a.kind}`)).sort();

describe('template state properties', () => {
  it('given any reordering and redelivery, then project gives the identical state', () => {
    fc.assert(
      fc.property(reorderedWithDuplicates, ({ events, replay }) => {
        expect(projectTemplate(replay)).toStrictEqual(projectTemplate(events));
      }),
      { numRuns: 500 },
    );
  });

  it('given any reordering and redelivery, then folding with evolve gives the state project gives', () => {
    fc.assert(
      fc.property(reorderedWithDuplicates, ({ events, replay }) => {
        expect(fold(replay)).toStrictEqual(projectTemplate(events));
      }),
      { numRuns: 500 },
    );
  });

  it('given the state stored as JSON between every event, then the final state is the same', () => {
    fc.assert(
      fc.property(templateEvents, (events) => {
        const viaStorage = events.reduce((s, e) => JSON.parse(JSON.stringify(evolveTemplate(s, e))) as TemplateState, initialTemplateState());
        expect(viaStorage).toEqual(JSON.parse(JSON.stringify(projectTemplate(events))));
      }),
    );
  });

  it('given any reordering and redelivery, then the same alerts (one per event and kind) and the same send decision', () => {
    fc.assert(
      fc.property(reorderedWithDuplicates, fc.integer({ min: 0, max: 12 * 60 }), ({ events, replay }, minutes) => {
        expect(alertKeys(replay)).toEqual(alertKeys(events));
        const now = T0_MS + minutes * 60_000;
        expect(maySend(fold(replay), undefined, now)).toStrictEqual(maySend(projectTemplate(events), undefined, now));
      }),
    );
  });

  it('given a state, when one of its events arrives again, then nothing changes', () => {
    fc.assert(
      fc.property(templateEvents.filter((e) => e.length > 0), fc.nat(), (events, pick) => {
        const state = projectTemplate(events);
        expect(evolveTemplate(state, events[pick % events.length]!)).toStrictEqual(state);
      }),
    );
  });
});
