import { DecideContext, decideOnStatus } from './decide';
import type { FallbackEvent, StatusObserved } from './fallback-event.types';
import { evolve, FallbackState, initialFallbackState, isNews } from './fallback-state';

const W = 'wamid.n';
const PHONE = '15551234567';
const ctx = (over: Partial<DecideContext> = {}): DecideContext => ({ overrides: {}, suppressed: false, retriesSoFar: 0, maxRetries: 3, nowMs: 5_000, ...over });
const status = (s: StatusObserved['status'], over: Partial<StatusObserved> = {}): StatusObserved => ({
  type: 'status',
  wamid: W,
  status: s,
  atMs: 1_000,
  recipientId: PHONE,
  recipientUserId: null,
  marketing: false,
  errors: [],
  ...over,
});
const failed = (code: number, over: Partial<StatusObserved> = {}) => status('failed', { errors: [{ code, details: null }], ...over });
const fold = (events: FallbackEvent[]): FallbackState => events.reduce(evolve, initialFallbackState(W));

/** The service's loop: fold each stored status, then fold what it decided. */
function decisions(statuses: StatusObserved[], c = ctx(), onlyNews = false) {
  let state = initialFallbackState(W);
  const out: ReturnType<typeof decideOnStatus> = [];
  for (const s of statuses) {
    if (onlyNews && !isNews(state, s)) continue;
    state = evolve(state, s);
    for (const d of decideOnStatus(state, s, c)) {
      out.push(d);
      if (d.type !== 'suppression') state = evolve(state, d);
    }
  }
  return out;
}

describe('which statuses are news', () => {
  it.each<[string, FallbackEvent[], StatusObserved, boolean]>([
    ['the first status', [], status('sent'), true],
    ['a repeat', [status('sent')], status('sent'), false],
    ['a sent naming the recipient the send already named', [{ type: 'accepted', wamid: W, internalMessageId: 'm', recipient: PHONE, template: null, atMs: 0 }], status('sent'), false],
    ['a phone number after a BSUID', [status('sent', { recipientId: 'US.1' })], status('sent'), true],
    ['another phone number after one', [status('sent')], status('sent', { recipientId: '15557654321' }), false],
    ['a first user id', [status('sent')], status('sent', { recipientUserId: 'US.1' }), true],
    ['a second user id', [status('sent', { recipientUserId: 'US.1' })], status('sent', { recipientUserId: 'US.2' }), false],
    ['marketing, first said', [status('sent')], status('sent', { marketing: true }), true],
    ['the first receipt', [status('sent')], status('delivered'), true],
    ['a better receipt', [status('delivered')], status('read'), true],
    ['a receipt no better', [status('read')], status('delivered'), false],
    ['the first failure', [status('sent')], failed(131026), true],
    ['a second failure', [failed(131026)], failed(131000), false],
    ['a failure after a receipt', [status('delivered')], failed(131026), true],
    ['an unknown status with nothing new', [status('sent')], status('unknown'), false],
  ])('%s', (_, given, s, news) => {
    expect(isNews(fold(given), s)).toBe(news);
  });
});

/** For every fact a status can bring, a history where only a status that is news for that fact alone carries it, and the decision that reads it. */
describe('why each fact is kept', () => {
  const same = (statuses: StatusObserved[], c?: DecideContext) => expect(decisions(statuses, c, true)).toEqual(decisions(statuses, c));

  it('the first phone number: where the SMS goes (without it: "no phone number known")', () => {
    const h = [status('sent', { recipientId: 'US.1' }), status('sent'), failed(131026, { recipientId: null })];
    expect(decisions(h)).toEqual([expect.objectContaining({ type: 'decided', decision: expect.objectContaining({ action: 'sms-fallback' }) }), expect.objectContaining({ type: 'sms-requested', to: PHONE })]);
    same(h);
  });

  it('the first user id: whom a 131050 suppresses when no phone number is known', () => {
    const h = [status('sent', { recipientId: null, recipientUserId: 'US.1' }), failed(131050, { recipientId: null })];
    expect(decisions(h)).toContainEqual(expect.objectContaining({ type: 'suppression', user: 'US.1' }));
    same(h);
  });

  it('marketing: a suppressed recipient gets no SMS', () => {
    const h = [status('sent'), status('sent', { marketing: true }), failed(131026)];
    expect(decisions(h, ctx({ suppressed: true }))).toEqual([expect.objectContaining({ decision: expect.objectContaining({ action: 'none', reason: 'recipient stopped marketing messages' }) })]);
    same(h, ctx({ suppressed: true }));
  });

  it('a better receipt: named in the reason a later failure is ignored', () => {
    const h = [status('delivered'), status('read'), status('delivered'), failed(131026)];
    expect(decisions(h)).toEqual([expect.objectContaining({ decision: expect.objectContaining({ action: 'none', reason: 'already read' }) })]);
    same(h);
  });

  it('the first receipt after the SMS: supersedes it, once', () => {
    const h = [failed(131026), failed(131026), status('delivered'), status('read'), status('delivered')];
    expect(decisions(h).map((d) => d.type)).toEqual(['decided', 'sms-requested', 'superseded']);
    same(h);
  });
});
