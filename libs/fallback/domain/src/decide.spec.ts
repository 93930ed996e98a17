import { DecideContext, decideOnStatus, decideUndelivered } from './decide';
import type { FallbackEvent, StatusObserved } from './fallback-event.types';
import { awaitingOutcomeSince, evolve, FallbackState, initialFallbackState } from './fallback-state';

const W = 'wamid.1';
const NOW = 1_800_000_000_000;
const ctx = (over: Partial<DecideContext> = {}): DecideContext => ({ overrides: {}, suppressed: false, retriesSoFar: 0, maxRetries: 3, nowMs: NOW, ...over });
const status = (s: StatusObserved['status'], codes: number[] = [], over: Partial<StatusObserved> = {}): StatusObserved => ({
  type: 'status',
  wamid: W,
  status: s,
  atMs: NOW - 1000,
  recipientId: '15551234567',
  recipientUserId: null,
  marketing: false,
  errors: codes.map((code) => ({ code, details: null })),
  ...over,
});
const fold = (events: FallbackEvent[]): FallbackState => events.reduce(evolve, initialFallbackState(W));
/** Given events, when `observed` arrives, then these are decided. */
const when = (given: FallbackEvent[], observed: StatusObserved, c = ctx()) => decideOnStatus(fold([...given, observed]), observed, c);
/** The decisions that fold into the message (suppression changes go to another stream). */
const onMessage = (events: ReturnType<typeof when>): FallbackEvent[] => events.filter((e): e is FallbackEvent => e.type !== 'suppression');

describe('deciding on a status', () => {
  it('given a 131026 failure, then an SMS fallback is requested to the recipient', () => {
    const out = when([], status('failed', [131026]));
    expect(out.map((e) => e.type)).toEqual(['decided', 'sms-requested']);
    expect(out[1]).toMatchObject({ reason: 'undeliverable', to: '15551234567' });
  });

  it('given a 131026 failure to a BSUID-only recipient, then nothing is sent and the reason says why', () => {
    const out = when([], status('failed', [131026], { recipientId: null, recipientUserId: 'US.123' }));
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ type: 'decided', decision: { action: 'none', reason: 'no phone number known for the recipient' } });
  });

  it('given a 131050 failure, then the recipient is suppressed by Meta time', () => {
    const out = when([], status('failed', [131050]));
    expect(out.map((e) => e.type)).toEqual(['decided', 'suppression']);
    expect(out[1]).toEqual({ type: 'suppression', user: '15551234567', change: 'stop', source: 'error-131050', atMs: NOW - 1000 });
  });

  it('given a 131047 failure, then a template is required', () => {
    expect(when([], status('failed', [131047]))[0]).toMatchObject({ decision: { action: 'template-required', errorClass: 'template-required' } });
  });

  it('given a retryable failure, then a retry is requested with the attempt and delay', () => {
    expect(when([], status('failed', [130429]), ctx({ retriesSoFar: 1 }))[0]).toMatchObject({
      decision: { action: 'retry', retry: { attempt: 2, maxAttempts: 3, delayMs: 60_000 } },
    });
  });

  it('given the retry budget is spent, then no retry is requested', () => {
    expect(when([], status('failed', [131000]), ctx({ retriesSoFar: 3 }))[0]).toMatchObject({ decision: { action: 'none', reason: expect.stringMatching(/budget/) } });
    expect(when([], status('failed', [131000]), ctx({ maxRetries: 0 }))[0]).toMatchObject({ decision: { action: 'none' } });
  });

  it('given a marketing message to a suppressed user, then it is never retried nor sent by SMS', () => {
    const marketing = status('sent', [], { marketing: true });
    for (const code of [131000, 131026]) {
      expect(when([marketing], status('failed', [code]), ctx({ suppressed: true }))).toEqual([
        expect.objectContaining({ decision: expect.objectContaining({ action: 'none', reason: 'recipient stopped marketing messages' }) }),
      ]);
    }
    // A utility message to the same user is still retried.
    expect(when([], status('failed', [131000]), ctx({ suppressed: true }))[0]).toMatchObject({ decision: { action: 'retry' } });
  });

  it('given a failure after a delivery receipt, then nothing is done', () => {
    expect(when([status('delivered')], status('failed', [131026]))).toEqual([
      expect.objectContaining({ decision: expect.objectContaining({ action: 'none', reason: 'already delivered' }) }),
    ]);
  });

  it('given a failure already decided, then a second failed status decides nothing', () => {
    const first = onMessage(when([], status('failed', [131026])));
    expect(when([status('failed', [131026]), ...first], status('failed', [131000]))).toEqual([]);
  });

  it('given the SMS fired, then a later delivered or read supersedes it once', () => {
    const fired = [status('failed', [131026]), ...onMessage(when([], status('failed', [131026])))];
    expect(when(fired, status('delivered'))).toEqual([{ type: 'superseded', wamid: W, byStatus: 'delivered', atMs: NOW }]);
    const superseded = [...fired, status('delivered'), ...onMessage(when(fired, status('delivered')))];
    expect(when(superseded, status('read'))).toEqual([]);
  });

  it('given no SMS fired, then a delivery supersedes nothing', () => {
    expect(when([status('failed', [131047])], status('read'))).toEqual([]);
  });

  it('given an unknown code, then an alert is decided', () => {
    expect(when([], status('failed', [999_999]))[0]).toMatchObject({ decision: { action: 'alert', errorClass: 'unclassified', code: 999_999 } });
  });
});

describe('time-based fallback', () => {
  const accepted: FallbackEvent = { type: 'accepted', wamid: W, internalMessageId: 'm1', recipient: '15550001111', template: null, atMs: NOW - 60_000 };

  it('given accepted and nothing else past the limit, then an SMS is requested; at the limit, not yet', () => {
    expect(decideUndelivered(fold([accepted]), NOW, 60_000)).toBeNull();
    expect(decideUndelivered(fold([accepted]), NOW + 1, 60_000)).toMatchObject({ reason: 'undelivered-timeout', to: '15550001111' });
    expect(awaitingOutcomeSince(fold([accepted]))).toBe(NOW - 60_000);
  });

  it.each([
    ['delivered', [status('delivered')]],
    ['failed', [status('failed', [131000])]],
  ])('given %s, then no time-based SMS', (_, more) => {
    const state = fold([accepted, ...more]);
    expect(decideUndelivered(state, NOW + 10 * 60_000, 60_000)).toBeNull();
    expect(awaitingOutcomeSince(state)).toBeNull();
  });

  it('given the fallback is off (0), then never', () => {
    expect(decideUndelivered(fold([accepted]), NOW + 10 ** 9, 0)).toBeNull();
  });
});
