import { evolve, project } from './message-state.projection';
import { decideTransition } from './status-transition';
import { given } from './testing/given';
import { accepted, CTWA_CLID, lead, meta, purchase, WAMID } from './testing/status-event.builders';

describe('conversions (automatic_events) on a message', () => {
  it('given a read message, when Meta reports a purchase in it, then the purchase is kept and the status, timeline and steps are untouched', () => {
    const history = [accepted(), meta('sent', 1), meta('read', 3)];
    const before = project(history);
    given(...history)
      .when(purchase(40))
      .then((state) => {
        expect(state.current).toBe('read');
        expect(state.timeline).toStrictEqual(before.timeline);
        expect(state.stepTimesMs).toStrictEqual(before.stepTimesMs);
        expect(state.anomalies).toStrictEqual(before.anomalies);
        expect(state.conversions).toEqual([
          { type: 'conversion', eventId: `Purchase:${WAMID}`, wamid: WAMID, kind: 'purchase', eventName: 'Purchase', atMs: 1_750_000_040_000, ctwaClid: CTWA_CLID, currency: 'USD', value: 25_000 },
        ]);
        expect(decideTransition(before, state).changed).toBe(false);
      });
  });

  it('given a failed message, when a lead arrives, then it stays failed: a conversion is no delivery receipt', () => {
    given(accepted(), meta('failed', 2))
      .when(lead(9))
      .then((state) => {
        expect(state.current).toBe('failed');
        expect(state.anomalies).toEqual([]);
        expect(state.conversions.map((c) => c.kind)).toEqual(['lead']);
      });
  });

  it('given nothing else about the message (an inbound one, or its statuses still on the way), then it has conversions and no status', () => {
    given(purchase(5), lead(1)).when().then((state) => {
      expect(state).toMatchObject({ wamid: WAMID, current: undefined, timeline: [], impliedSteps: [] });
      expect(state.conversions.map((c) => c.eventName)).toEqual(['LeadSubmitted', 'Purchase']);
    });
  });

  it('keeps one per event id whatever arrives again: the earliest of re-stamped copies, and statuses arriving later fill in beside it', () => {
    const first = purchase(10);
    const restamped = purchase(70);
    const state = project([restamped, accepted(), first, restamped]);
    expect(state.conversions).toStrictEqual([first]);
    expect(evolve(state, first)).toStrictEqual(state);
    expect(evolve(state, meta('delivered', 2))).toMatchObject({ current: 'delivered', conversions: [first] });
  });

  it('throws for a conversion of another message folded into this one, like a status', () => {
    given(accepted()).when(purchase(1, { wamid: 'wamid.other' })).thenThrows(/several messages/);
  });
});
