import { project } from './message-state.projection';
import { findStalled } from './stalled';
import type { StatusEvent } from './status-event.types';
import { accepted, meta, T0 } from './testing/status-event.builders';

const LIMITS = { acceptedToSentMs: 60_000, sentToDeliveredMs: 600_000 };
const at = (offsetMs: number): number => T0 * 1000 + offsetMs;
const stalledAt = (events: StatusEvent[], offsetMs: number) => findStalled(project(events), at(offsetMs), LIMITS);

describe('stalled messages', () => {
  it('given only accepted, then it is not-sent once the limit has passed, not at it', () => {
    expect(stalledAt([accepted()], 60_000)).toBeUndefined();
    expect(stalledAt([accepted()], 60_001)).toBe('not-sent');
  });

  it('given sent, then it is not-delivered once the limit has passed since sent', () => {
    const events = [accepted(), meta('sent', 30)];
    expect(stalledAt(events, 30_000 + 600_000)).toBeUndefined();
    expect(stalledAt(events, 30_000 + 600_001)).toBe('not-delivered');
  });

  it('given sent without a timestamp, then the wait is timed from accepted', () => {
    expect(stalledAt([accepted(), meta('sent', 0, { timestamp: undefined })], 600_001)).toBe('not-delivered');
  });

  it.each([
    ['delivered', [accepted(), meta('sent', 1), meta('delivered', 2)]],
    ['read', [accepted(), meta('read', 2)]],
    ['played', [accepted(), meta('played', 2)]],
    ['failed', [accepted(), meta('failed', 2)]],
    ['nothing known', []],
    ['sent with no time at all', [meta('sent', 0, { timestamp: undefined })]],
  ])('given %s, then it is never stalled', (_, events) => {
    expect(stalledAt(events, 365 * 24 * 3_600_000)).toBeUndefined();
  });
});
