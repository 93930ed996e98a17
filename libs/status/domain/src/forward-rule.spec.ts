import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { advance, CURRENT_PRECEDENCE, impliedSteps } from './forward-rule';
import type { StatusEvent, TrackedStatus } from './status-event.types';
import { accepted, meta, T0, unknown } from './testing/status-event.builders';
import { given } from './testing/given';

type Incoming = StatusEvent['status'];
type Current = TrackedStatus | undefined;

const INCOMING = ['accepted', 'sent', 'delivered', 'read', 'played', 'failed', 'unknown'] as const satisfies readonly Incoming[];

/**
 * The rule table of the README, row by row: the current status already
 * reached × the status that arrives → the current status after it.
 * ⚠ marks a result that also records a `failed-after-delivery` anomaly.
 */
// prettier-ignore
const TABLE: readonly [Current, readonly [Current, Current, Current, Current, Current, Current, Current]][] = [
  //              accepted     sent         delivered     read      played     failed        unknown
  [undefined,   ['accepted', 'sent',      'delivered',  'read',   'played',  'failed',      undefined]],
  ['accepted',  ['accepted', 'sent',      'delivered',  'read',   'played',  'failed',      'accepted']],
  ['sent',      ['sent',     'sent',      'delivered',  'read',   'played',  'failed',      'sent']],
  ['failed',    ['failed',   'failed',    'delivered',  'read',   'played',  'failed',      'failed']],
  ['delivered', ['delivered','delivered', 'delivered',  'read',   'played',  'delivered',   'delivered']],
  ['read',      ['read',     'read',      'read',       'read',   'played',  'read',        'read']],
  ['played',    ['played',   'played',    'played',     'played', 'played',  'played',      'played']],
];

const ROWS = TABLE.flatMap(([current, results]) =>
  INCOMING.map((incoming, column) => ({ current, incoming, expected: results[column] })),
);

/** One event of each status, a second apart, with an eventId distinct from the history's. */
function eventOf(status: Incoming, offsetSec: number, tag: string): StatusEvent {
  switch (status) {
    case 'accepted':
      return accepted({ eventId: `accepted:${tag}`, atMs: (T0 + offsetSec) * 1000 });
    case 'unknown':
      return unknown('deleted', offsetSec, { eventId: `deleted:${tag}` });
    default:
      return meta(status, offsetSec, { eventId: `${status}:${tag}` });
  }
}

describe('the forward-only rule', () => {
  describe.each(ROWS)('given current $current, when $incoming arrives', ({ current, incoming, expected }) => {
    it(`then current is ${String(expected)} (advance)`, () => {
      expect(advance(current, incoming)).toBe(expected);
    });

    it(`then current is ${String(expected)} (projected state)`, () => {
      const history = current === undefined ? [] : [eventOf(current, 0, 'history')];
      given(...history)
        .when(eventOf(incoming, 1, 'incoming'))
        .then((state) => {
          expect(state.current).toBe(expected);
          const receiptBeatsFailure =
            [current, incoming].includes('failed') &&
            expected !== 'failed' &&
            expected !== undefined &&
            CURRENT_PRECEDENCE[expected] > CURRENT_PRECEDENCE.failed;
          expect(state.anomalies.some((anomaly) => anomaly.kind === 'failed-after-delivery')).toBe(receiptBeatsFailure);
        });
    });
  });

  it('given every pair and triple of statuses, then advance gives the same result in any order and ignores repeats', () => {
    for (const a of INCOMING) {
      for (const b of INCOMING) {
        expect(advance(advance(undefined, a), b)).toBe(advance(advance(undefined, b), a));
        expect(advance(advance(undefined, a), a)).toBe(advance(undefined, a));
        for (const c of INCOMING) {
          expect(advance(advance(advance(undefined, a), b), c)).toBe(advance(advance(advance(undefined, c), a), b));
        }
      }
    }
  });
});

describe('the README', () => {
  it('given its rule table, then every cell is what advance decides', () => {
    const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');
    const rows = readme
      .split('\n')
      .filter((line) => /^\| (\(nothing\)|accepted|sent|failed|delivered|read|played) \|/.test(line))
      .map((line) => line.split('|').slice(1, -1).map((cell) => cell.replace('⚠', '').trim()));
    const name = (status: Current): string => status ?? '(nothing)';
    expect(rows).toEqual(TABLE.map(([current, results]) => [name(current), ...results.map(name)]));
  });
});

describe('implied steps', () => {
  it.each([
    [[], []],
    [['accepted'], []],
    [['accepted', 'read'], ['sent', 'delivered']],
    [['sent', 'read'], ['accepted', 'delivered']],
    [['accepted', 'sent', 'played'], ['delivered', 'read']],
    [['accepted', 'failed'], []],
    [['accepted', 'sent', 'delivered', 'read', 'played'], []],
    [['accepted', 'unknown'], []],
  ] as const)('given %j seen, then %j are implied', (seen, implied) => {
    expect(impliedSteps(new Set<Incoming>(seen))).toEqual(implied);
  });
});
