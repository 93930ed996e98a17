import { isDeepStrictEqual } from 'node:util';

import fc from 'fast-check';

import { DecideContext, decideOnStatus, decideUndelivered } from './decide';
import type { ActionOverrides } from './error-policy.types';
import type { AcceptedObserved, FallbackEvent, SmsOutcome, StatusObserved, SuppressionChanged } from './fallback-event.types';
import { evolve, FallbackState, initialFallbackState, isNews } from './fallback-state';

/**
 * The fallback trigger stores a status only when it is news (isNews). These
 * properties hold that to "decisions identical to storing every status": the
 * service's loop is restated below and run twice over the same arrivals, once
 * storing every status (as it used to) and once storing only the news, judged
 * against a possibly stale state (what the projection row said before the
 * append took the stream's lock).
 */

const W = 'wamid.news';
const PHONES = ['15551234567', '15557654321'];
const IDS = [null, ...PHONES, 'US.bsuid-1', 'group.1'];
const USER_IDS = [null, 'US.user-1', 'US.user-2'];
/** SMS, suppression, retry, template, none, alert (unknown), and a failed status without a code. */
const CODES = [131026, 131050, 131000, 131047, 130429, 131021, 999_999, null];

const statusArb: fc.Arbitrary<StatusObserved> = fc.record({
  type: fc.constant('status' as const),
  wamid: fc.constant(W),
  status: fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom('sent', 'failed') },
    { weight: 2, arbitrary: fc.constantFrom('delivered', 'read') },
    { weight: 1, arbitrary: fc.constantFrom('played', 'unknown') },
  ),
  atMs: fc.option(fc.integer({ min: 1_000, max: 9_000 }), { nil: null }),
  // Mostly the message's one recipient, sometimes another id or none: facts arrive spread over statuses.
  recipientId: fc.oneof({ weight: 4, arbitrary: fc.constant(PHONES[0]!) }, { weight: 3, arbitrary: fc.constantFrom(...IDS) }),
  recipientUserId: fc.oneof({ weight: 2, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.constantFrom(...USER_IDS) }),
  marketing: fc.oneof({ weight: 3, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
  // Mostly one error; SMS and retry (the actions the facts can downgrade) most often.
  errors: fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(131026, 131000).map((code) => [{ code, details: null }]) },
    { weight: 2, arbitrary: fc.array(fc.constantFrom(...CODES).map((code) => ({ code, details: null })), { maxLength: 2 }) },
  ),
});

const acceptedArb: fc.Arbitrary<AcceptedObserved> = fc.record({
  type: fc.constant('accepted' as const),
  wamid: fc.constant(W),
  internalMessageId: fc.constantFrom('m-1', 'm-2'),
  recipient: fc.constantFrom(...PHONES, 'US.bsuid-1'),
  template: fc.constantFrom(null, { name: 'order', language: 'en' }),
  atMs: fc.integer({ min: 0, max: 5_000 }),
});

/** Something that happens to the message, `dt` ms after the previous one. */
type Input =
  | { kind: 'status'; key: string; s: StatusObserved }
  | { kind: 'accepted'; key: string; a: AcceptedObserved }
  /** The dispatcher finishing a pending SMS. */
  | { kind: 'sms-outcome'; outcome: SmsOutcome }
  /** A pass of the time-based scanner. */
  | { kind: 'scan'; afterMs: number };
type Arrival = Input & {
  dt: number;
  /** How many of the stream's last events the "is it news?" check does not see yet (0: none). */
  lag: number;
};

/** One fact a status may carry. */
const FACTS: ReadonlyArray<Partial<StatusObserved>> = [
  { marketing: true },
  { recipientUserId: 'US.user-1' },
  { recipientId: PHONES[0]! },
  { recipientId: 'US.bsuid-1' },
  { recipientId: null },
  { status: 'sent' },
];

/**
 * A message's statuses, plus echoes: another status just like one of them
 * but for one fact (Meta repeating a status with pricing or a user id added
 * or missing), the case where a single fact decides whether it is news.
 */
const statusesArb: fc.Arbitrary<StatusObserved[]> = fc.array(statusArb, { minLength: 1, maxLength: 8 }).chain((statuses) =>
  fc
    .array(fc.tuple(fc.nat(statuses.length - 1), fc.constantFrom(...FACTS)), { maxLength: 4 })
    .map((echoes) => [...statuses, ...echoes.map(([i, fact]) => ({ ...statuses[i]!, ...fact }))]),
);

/** Distinct sources (each with its own idempotency key), then their arrival: shuffled, each repeated up to three times, with outcomes and scans in between. */
const arrivalsArb: fc.Arbitrary<Arrival[]> = fc
  .tuple(
    statusesArb,
    fc.array(acceptedArb, { maxLength: 2 }),
    fc.array(
      fc.oneof(
        fc.constantFrom<SmsOutcome>('sent', 'failed', 'cancelled').map((outcome): Input => ({ kind: 'sms-outcome', outcome })),
        fc.constantFrom(0, 500, 3_000).map((afterMs): Input => ({ kind: 'scan', afterMs })),
      ),
      { maxLength: 4 },
    ),
  )
  .chain(([statuses, accepted, other]) => {
    const sources: Input[] = [
      ...statuses.map((s, i): Input => ({ kind: 'status', key: `fb:s${i}`, s })),
      ...accepted.map((a, i): Input => ({ kind: 'accepted', key: `fb-accepted:${W}:${a.internalMessageId}:${i}`, a })),
    ];
    const copies = sources.flatMap((s) => [s, s, s]);
    return fc
      .tuple(fc.shuffledSubarray(copies, { minLength: sources.length }), fc.constant(other))
      .chain(([picked, more]) => fc.shuffledSubarray([...picked, ...more], { minLength: picked.length + more.length }))
      .chain((inputs) =>
        fc.tuple(...inputs.map((input) => fc.record({ dt: fc.integer({ min: 0, max: 2_000 }), lag: fc.constantFrom(0, 0, 0, 1, 2, 5) }).map((x): Arrival => ({ ...input, ...x })))),
      );
  });

interface Tenant {
  overrides: ActionOverrides;
  /** Users on the tenant's suppression list before the message. */
  suppressed: ReadonlySet<string>;
  retriesSoFar: number;
  maxRetries: number;
}

const tenantArb: fc.Arbitrary<Tenant> = fc.record({
  overrides: fc.constantFrom<ActionOverrides>({}, { '131026': 'none', '131000': 'sms-fallback' }, { unknown: 'sms-fallback', '131047': 'retry' }),
  suppressed: fc.subarray([...PHONES, 'US.bsuid-1', 'US.user-1', 'US.user-2']).map((u) => new Set(u)),
  retriesSoFar: fc.integer({ min: 0, max: 2 }),
  maxRetries: fc.integer({ min: 0, max: 3 }),
});

type Decided = FallbackEvent | SuppressionChanged;

/** One run of the service over the arrivals: what it stored, decided, and its projection after each arrival. */
interface Run {
  stored: FallbackEvent[];
  decisions: Decided[];
  /** The projection row after each arrival. */
  states: FallbackState[];
  storedStatuses: number;
}

const fold = (events: readonly FallbackEvent[]): FallbackState => events.reduce(evolve, initialFallbackState(W));

/**
 * The feature's loop, restated: observations and decisions deduplicated by
 * their keys (the event store), decisions on a status only when it is
 * stored, each decision folded as it is made. `onlyNews` leaves out statuses
 * that are not news against the stream as it was `lag` events ago.
 */
function run(arrivals: readonly Arrival[], tenant: Tenant, onlyNews: boolean): Run {
  const keys = new Set<string>();
  const stored: FallbackEvent[] = [];
  const decisions: Decided[] = [];
  const states: FallbackState[] = [];
  let state = initialFallbackState(W);
  let nowMs = 10_000;
  let storedStatuses = 0;
  const append = (e: FallbackEvent): void => {
    stored.push(e);
    state = evolve(state, e);
  };
  const decide = (d: Decided): void => {
    const key = d.type === 'suppression' ? 'fb-suppress' : `fb-${d.type}`;
    if (keys.has(key)) return;
    keys.add(key);
    decisions.push(d);
    if (d.type !== 'suppression') append(d);
  };
  for (const a of arrivals) {
    nowMs += a.dt;
    switch (a.kind) {
      case 'status': {
        if (onlyNews && !isNews(fold(stored.slice(0, Math.max(0, stored.length - a.lag))), a.s)) break;
        if (keys.has(a.key)) break;
        keys.add(a.key);
        append(a.s);
        storedStatuses += 1;
        const ctx: DecideContext = {
          overrides: tenant.overrides,
          suppressed: [state.recipient, state.recipientUserId].some((u) => u !== null && tenant.suppressed.has(u)),
          retriesSoFar: a.s.status === 'failed' ? tenant.retriesSoFar : 0,
          maxRetries: tenant.maxRetries,
          nowMs,
        };
        for (const d of decideOnStatus(state, a.s, ctx)) decide(d);
        break;
      }
      case 'accepted':
        if (keys.has(a.key)) break;
        keys.add(a.key);
        append(a.a);
        break;
      case 'sms-outcome':
        if (state.sms?.outcome === 'pending') decide({ type: 'sms-completed', wamid: W, outcome: a.outcome, attempts: 1, detail: null, atMs: nowMs });
        break;
      case 'scan': {
        const request = decideUndelivered(state, nowMs, a.afterMs);
        if (request) decide(request);
        break;
      }
    }
    states.push(state);
  }
  return { stored, decisions, states, storedStatuses };
}

describe('storing only the statuses that are news', () => {
  it('given any arrival of statuses, sends, SMS outcomes and scans, then the decisions, the projection after every step and the rebuild are those of storing every status', () => {
    fc.assert(
      fc.property(arrivalsArb, tenantArb, (arrivals, tenant) => {
        const full = run(arrivals, tenant, false);
        const news = run(arrivals, tenant, true);
        // The same decisions, with the same content, in the same order: decided, sms-requested
        // (on failure and on time-out), superseded, suppression, sms-completed.
        expect(news.decisions).toEqual(full.decisions);
        // The same projection row after every arrival, so the read API shows the same.
        expect(news.states).toEqual(full.states);
        // A rebuild folds the stored events back into exactly the live row.
        expect(fold(news.stored)).toEqual(news.states.at(-1));
        expect(news.storedStatuses).toBeLessThanOrEqual(full.storedStatuses);
      }),
      { numRuns: 2000 },
    );
  });

  it('given duplicates and repeats only, then at most one status per fact is stored', () => {
    // A history Meta would send, each status reported again under another key (say another timestamp).
    const s = (status: StatusObserved['status'], over: Partial<StatusObserved> = {}): StatusObserved => ({
      type: 'status',
      wamid: W,
      status,
      atMs: 1_000,
      recipientId: PHONES[0]!,
      recipientUserId: null,
      marketing: false,
      errors: [],
      ...over,
    });
    const history = [s('sent'), s('delivered'), s('read'), s('sent'), s('delivered'), s('read'), s('delivered')];
    const arrivals = history.map((x, i): Arrival => ({ kind: 'status', key: `fb:${i}`, s: x, dt: 0, lag: 0 }));
    const tenant: Tenant = { overrides: {}, suppressed: new Set(), retriesSoFar: 0, maxRetries: 3 };
    // The first sent names the recipient, delivered is the first receipt, read a better one; the rest is not news.
    expect(run(arrivals, tenant, true).storedStatuses).toBe(3);
    expect(run(arrivals, tenant, false).storedStatuses).toBe(7);
  });

  it('given any state the service reaches, then a status that is not news changes nothing, decides nothing, and stays not news as facts accumulate', () => {
    const ctxArb = fc.record({
      overrides: tenantArb.map((t) => t.overrides),
      suppressed: fc.boolean(),
      retriesSoFar: fc.integer({ min: 0, max: 3 }),
      maxRetries: fc.integer({ min: 0, max: 3 }),
      nowMs: fc.integer({ min: 0, max: 100_000 }),
    });
    fc.assert(
      fc.property(arrivalsArb, tenantArb, statusArb, ctxArb, fc.nat(), (arrivals, tenant, s, ctx, at) => {
        const { states } = run(arrivals, tenant, false);
        const i = at % states.length;
        const state = states[i]!;
        // News is exactly "folding it changes the state"…
        expect(isNews(state, s)).toBe(!isDeepStrictEqual(evolve(state, s), state));
        if (isNews(state, s)) return;
        // …a status that is not news decides nothing whatever the context…
        expect(decideOnStatus(state, s, ctx)).toEqual([]);
        // …and is not news against any later state either (so a stale look at the row is safe).
        for (const later of states.slice(i)) expect(isNews(later, s)).toBe(false);
      }),
      { numRuns: 2000 },
    );
  });
});
