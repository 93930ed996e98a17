import { inArrivalOrder } from './evidence';
import { evolve, initialState, project } from './message-state.projection';
import type { MessageState } from './message-state.types';
import { WamidMismatchError } from './status-domain.errors';
import { accepted, meta, NOT_ON_WHATSAPP, redelivered, T0, unknown, WAMID } from './testing/status-event.builders';
import { given } from './testing/given';

const ms = (offsetSec: number): number => (T0 + offsetSec) * 1000;

describe('message state', () => {
  it('given nothing, then nothing is known', () => {
    expect(initialState()).toMatchObject({ wamid: undefined, current: undefined, timeline: [], anomalies: [], impliedSteps: [] });
  });

  it('given the whole chain in order, then it is read, with every step timed and no anomaly', () => {
    given(accepted(), meta('sent', 1), meta('delivered', 2))
      .when(meta('read', 30))
      .then((state) => {
        expect(state).toMatchObject({
          wamid: WAMID,
          tenantId: 'tenant-a',
          internalMessageId: 'msg-1',
          phoneNumberId: '106540352242922',
          current: 'read',
          impliedSteps: [],
          stepTimesMs: { accepted: ms(0), sent: ms(1), delivered: ms(2), read: ms(30), played: undefined, failed: undefined },
          recipient: { to: '16505551234', id: '16505551234', userId: undefined },
          template: { name: 'order_update', language: 'en_US' },
          errors: [],
          anomalies: [],
        });
        expect(state.timeline.map((event) => event.status)).toEqual(['accepted', 'sent', 'delivered', 'read']);
      });
  });

  it('given sent, when read arrives without delivered, then it is read and delivered is implied, not timed', () => {
    given(accepted(), meta('sent', 1))
      .when(meta('read', 9))
      .then((state) => {
        expect(state.current).toBe('read');
        expect(state.impliedSteps).toEqual(['delivered']);
        expect(state.stepTimesMs.delivered).toBeUndefined();
        expect(state.anomalies).toEqual([]);
      });
  });

  it('given a voice message read, when played arrives, then it is played; played alone implies read', () => {
    given(accepted(), meta('sent', 1), meta('delivered', 2), meta('read', 3))
      .when(meta('played', 4))
      .then((state) => expect(state).toMatchObject({ current: 'played', impliedSteps: [] }));
    given(accepted())
      .when(meta('played', 4))
      .then((state) => expect(state).toMatchObject({ current: 'played', impliedSteps: ['sent', 'delivered', 'read'] }));
  });

  it('given sent, when failed arrives, then it is failed with its errors', () => {
    given(accepted(), meta('sent', 1))
      .when(meta('failed', 2, { errors: [NOT_ON_WHATSAPP] }))
      .then((state) => {
        expect(state).toMatchObject({ current: 'failed', errors: [NOT_ON_WHATSAPP], anomalies: [] });
        expect(state.stepTimesMs.failed).toBe(ms(2));
      });
  });

  it('given delivered, when failed arrives, then it stays delivered, the failure is an anomaly and its errors are kept', () => {
    given(accepted(), meta('sent', 1), meta('delivered', 2))
      .when(meta('failed', 3, { errors: [NOT_ON_WHATSAPP] }))
      .then((state) => {
        expect(state.current).toBe('delivered');
        expect(state.errors).toEqual([NOT_ON_WHATSAPP]);
        expect(state.anomalies).toEqual([{ kind: 'failed-after-delivery', eventId: `failed:${WAMID}`, outcome: 'delivered' }]);
      });
  });

  it('given failed, when a late read arrives, then it is read: the same set as a failure after the read', () => {
    given(accepted(), meta('failed', 5, { errors: [NOT_ON_WHATSAPP] }))
      .when(meta('read', 3))
      .then((state) => {
        expect(state.current).toBe('read');
        expect(state.anomalies).toContainEqual({ kind: 'failed-after-delivery', eventId: `failed:${WAMID}`, outcome: 'read' });
      });
  });

  it('given two failures, then errors are their union without repeats, in timeline order', () => {
    const throttled = { ...NOT_ON_WHATSAPP, code: 131049, title: 'Per-user marketing limit' };
    given(accepted(), meta('failed', 2, { eventId: 'f1', errors: [NOT_ON_WHATSAPP] }))
      .when(meta('failed', 1, { eventId: 'f2', errors: [throttled, NOT_ON_WHATSAPP] }))
      .then((state) => expect(state.errors).toEqual([throttled, NOT_ON_WHATSAPP]));
  });

  it('given sent, when an unknown status arrives, then it is kept and flagged but moves nothing', () => {
    given(accepted(), meta('sent', 1))
      .when(unknown('deleted', 2, { pricing: { billable: true, pricingModel: 'PMP', type: 'regular', category: 'utility' } }))
      .then((state) => {
        expect(state.current).toBe('sent');
        expect(state.pricing).toBeUndefined();
        expect(state.timeline.map((event) => event.status)).toEqual(['accepted', 'sent', 'unknown']);
        expect(state.anomalies).toEqual([{ kind: 'unknown-status', eventId: `deleted:${WAMID}`, rawStatus: 'deleted' }]);
      });
  });

  it('given a duplicate, then nothing changes and the first arrival is kept', () => {
    const delivered = meta('delivered', 2);
    const history = [accepted(), meta('sent', 1), delivered];
    given(...history)
      .when(redelivered(delivered), redelivered(delivered, 5))
      .then((state) => {
        expect(state).toStrictEqual(project(history));
        expect(state.timeline.find((event) => event.status === 'delivered')?.arrivalSeq).toBe(delivered.arrivalSeq);
      });
  });

  it('given an eventId whose copies disagree, then the earliest goes in the timeline and the other is kept aside', () => {
    const early = meta('delivered', 2);
    const late = meta('delivered', 7);
    for (const order of [[early, late], [late, early]]) {
      given(accepted(), meta('sent', 1))
        .when(...order)
        .then((state) => {
          expect(state.timeline.filter((event) => event.status === 'delivered')).toEqual([early]);
          expect(state.conflictingCopies).toEqual([late]);
          expect(state.stepTimesMs.delivered).toBe(ms(2));
          expect(state.anomalies).toEqual([{ kind: 'conflicting-duplicate', eventId: early.eventId, copies: 2 }]);
        });
    }
  });

  it('given read stamped before sent, then the inversion is recorded and read still wins', () => {
    given(accepted(), meta('sent', 10))
      .when(meta('read', 5))
      .then((state) => {
        expect(state.current).toBe('read');
        expect(state.anomalies).toEqual([
          { kind: 'time-inversion', lower: 'sent', lowerAtMs: ms(10), higher: 'read', higherAtMs: ms(5) },
        ]);
      });
  });

  it('given accepted later in the same second as sent (clocks differ in precision), then no inversion', () => {
    given(accepted({ atMs: ms(0) + 400 }))
      .when(meta('sent', 0))
      .then((state) => {
        expect(state.anomalies).toEqual([]);
        expect(state.timeline.map((event) => event.status)).toEqual(['accepted', 'sent']);
      });
  });

  it('given a status without a timestamp, then it counts, goes last in the timeline and is flagged', () => {
    given(accepted(), meta('sent', 1))
      .when(meta('delivered', 0, { timestamp: undefined }))
      .then((state) => {
        expect(state.current).toBe('delivered');
        expect(state.stepTimesMs.delivered).toBeUndefined();
        expect(state.timeline.at(-1)?.status).toBe('delivered');
        expect(state.anomalies).toEqual([{ kind: 'missing-timestamp', eventId: `delivered:${WAMID}` }]);
      });
  });

  it('given two different accepted events, then the earliest names the message and both are flagged', () => {
    given(accepted({ eventId: 'a2', internalMessageId: 'msg-2', atMs: ms(1) }))
      .when(accepted({ eventId: 'a1', atMs: ms(0) }))
      .then((state) => {
        expect(state.internalMessageId).toBe('msg-1');
        expect(state.anomalies).toEqual([{ kind: 'multiple-accepted', eventIds: ['a1', 'a2'] }]);
      });
  });

  it('given statuses but no accepted yet, then Meta tells the status and accepted is implied', () => {
    given(meta('sent', 1))
      .when(meta('delivered', 2, { recipient: { id: undefined, userId: 'US.13491208655302741918' } }))
      .then((state) => {
        expect(state).toMatchObject({ current: 'delivered', tenantId: undefined, impliedSteps: ['accepted'] });
        expect(state.recipient).toEqual({ to: undefined, id: '16505551234', userId: 'US.13491208655302741918' });
      });
  });

  it('given events out of order, then the timeline is by time and inArrivalOrder recovers the arrival order', () => {
    const read = meta('read', 3);
    const sent = meta('sent', 1);
    const first = accepted();
    given(read, sent)
      .when(first)
      .then((state) => {
        expect(state.timeline).toEqual([first, sent, read]);
        expect(inArrivalOrder(state.timeline)).toEqual([read, sent, first]);
      });
  });

  it('given events of another message, then folding them in is refused', () => {
    given(accepted(), meta('sent', 1)).when(meta('read', 2, { wamid: 'wamid.other' })).thenThrows(WamidMismatchError);
  });

  it('given a state that went through JSON storage, then evolving it gives the same state and sees duplicates', () => {
    const sent = meta('sent', 1, { conversation: { id: 'c1', expirationTimestamp: undefined, originType: 'utility' } });
    const history = [accepted(), sent];
    const stored = JSON.parse(JSON.stringify(project(history))) as MessageState;
    const next = meta('delivered', 2);
    expect(evolve(stored, next)).toEqual(project([...history, next]));
    expect(evolve(stored, redelivered(sent))).toMatchObject({ conflictingCopies: [], anomalies: [] });
  });
});
