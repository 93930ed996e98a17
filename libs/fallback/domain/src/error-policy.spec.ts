import { primaryPolicy, policyRowFor, resolvePolicy, retryDelayMs } from './error-policy';
import { MAX_RETRY_DELAY_MS, POLICY_TABLE, POLICY_VERSION } from './error-policy.table';
import type { ErrorClass, FallbackAction } from './error-policy.types';

/**
 * The oracle: every code of the contract's §9 table, restated here by hand
 * (not derived from POLICY_TABLE) with the class and default action we promise.
 */
const EXPECTED: ReadonlyArray<[code: number, errorClass: ErrorClass, action: FallbackAction]> = [
  [0, 'fix-configuration', 'alert'],
  [190, 'fix-configuration', 'alert'],
  [3, 'fix-configuration', 'alert'],
  [10, 'fix-configuration', 'alert'],
  [200, 'fix-configuration', 'alert'],
  [250, 'fix-configuration', 'alert'],
  [299, 'fix-configuration', 'alert'],
  [131005, 'fix-configuration', 'alert'],
  [1, 'retryable', 'retry'],
  [2, 'retryable', 'retry'],
  [4, 'rate-limited', 'retry'],
  [80007, 'rate-limited', 'retry'],
  [130429, 'rate-limited', 'retry'],
  [131048, 'rate-limited', 'alert'],
  [131056, 'rate-limited', 'retry'],
  [131064, 'rate-limited', 'alert'],
  [133016, 'rate-limited', 'alert'],
  [33, 'fix-configuration', 'alert'],
  [100, 'fix-configuration', 'alert'],
  [130403, 'permanent-recipient', 'none'],
  [130472, 'permanent-recipient', 'none'],
  [130497, 'permanent-recipient', 'none'],
  [131000, 'retryable', 'retry'],
  [131008, 'fix-configuration', 'alert'],
  [131009, 'fix-configuration', 'alert'],
  [131016, 'retryable', 'retry'],
  [131021, 'permanent-recipient', 'none'],
  [131026, 'permanent-recipient', 'sms-fallback'],
  [131031, 'fix-configuration', 'alert'],
  [131036, 'permanent-recipient', 'none'],
  [131037, 'fix-configuration', 'alert'],
  [131042, 'fix-configuration', 'alert'],
  [131045, 'fix-configuration', 'alert'],
  [131047, 'template-required', 'template-required'],
  [131049, 'rate-limited', 'retry'],
  [131050, 'opted-out', 'suppress-marketing'],
  [131051, 'fix-configuration', 'alert'],
  [131052, 'permanent-recipient', 'none'],
  [131053, 'fix-configuration', 'alert'],
  [131057, 'retryable', 'retry'],
  [131060, 'permanent-recipient', 'none'],
  [131063, 'fix-configuration', 'alert'],
  [132000, 'fix-configuration', 'alert'],
  [132001, 'fix-configuration', 'alert'],
  [132005, 'fix-configuration', 'alert'],
  [132007, 'fix-configuration', 'alert'],
  [132012, 'fix-configuration', 'alert'],
  [132015, 'fix-configuration', 'alert'],
  [132016, 'fix-configuration', 'alert'],
  [132068, 'fix-configuration', 'alert'],
  [132069, 'rate-limited', 'retry'],
  [133000, 'fix-configuration', 'alert'],
  [133004, 'retryable', 'retry'],
  [133005, 'fix-configuration', 'alert'],
  [133006, 'fix-configuration', 'alert'],
  [133008, 'rate-limited', 'alert'],
  [133009, 'rate-limited', 'alert'],
  [133010, 'fix-configuration', 'alert'],
  [133015, 'retryable', 'retry'],
  [134011, 'fix-configuration', 'alert'],
  [135000, 'fix-configuration', 'alert'],
  [368, 'fix-configuration', 'alert'],
  [470, 'template-required', 'template-required'],
];

describe('error-code policy table', () => {
  it.each(EXPECTED)('given code %i, then it is %s with action %s', (code, errorClass, action) => {
    const p = resolvePolicy(code);
    expect(p).toMatchObject({ code, errorClass, action, overridden: false, policyVersion: POLICY_VERSION });
    expect(p.meaning.length).toBeGreaterThan(0);
    if (action === 'retry') {
      expect(p.retry?.baseDelayMs).toBeGreaterThan(0);
      expect(p.retry?.maxAttempts).toBeGreaterThanOrEqual(1);
    } else {
      expect(p.retry).toBeUndefined();
    }
  });

  it('given every code the table names, then the oracle lists it (no row is untested)', () => {
    const tested = new Set(EXPECTED.map(([c]) => c));
    for (const row of POLICY_TABLE) {
      for (const c of row.codes) {
        if (typeof c === 'number') expect(tested).toContain(c);
        else expect(tested.has(c[0]) && tested.has(c[1])).toBe(true);
      }
    }
  });

  it.each([5, 131001, 999_999, 12455, -1])('given unknown code %i, then it is unclassified and alerts', (code) => {
    expect(policyRowFor(code)).toBeUndefined();
    expect(resolvePolicy(code)).toMatchObject({ code, errorClass: 'unclassified', action: 'alert' });
  });

  it('given no code at all, then it is unclassified', () => {
    expect(resolvePolicy(undefined)).toMatchObject({ code: null, errorClass: 'unclassified', action: 'alert' });
  });

  it('given a tenant override, then the action changes and the class does not', () => {
    const p = resolvePolicy(130497, { '130497': 'sms-fallback' });
    expect(p).toMatchObject({ errorClass: 'permanent-recipient', action: 'sms-fallback', overridden: true });
    expect(resolvePolicy(131026, { '131026': 'none' }).action).toBe('none');
    expect(resolvePolicy(42, { unknown: 'none' })).toMatchObject({ errorClass: 'unclassified', action: 'none' });
    expect(resolvePolicy(131026, { unknown: 'none' }).action).toBe('sms-fallback');
  });

  it('given an override to retry on a row without retry parameters, then a default retry applies', () => {
    expect(resolvePolicy(131053, { '131053': 'retry' }).retry).toEqual({ baseDelayMs: 30_000, maxAttempts: 3 });
  });

  it('given several errors, then the most important action wins', () => {
    expect(primaryPolicy([131000, 131050]).action).toBe('suppress-marketing');
    expect(primaryPolicy([132001, 131047]).action).toBe('template-required');
    expect(primaryPolicy([131026, 131000]).action).toBe('sms-fallback');
    expect(primaryPolicy([]).errorClass).toBe('unclassified');
  });

  it('given retry attempts, then the delay doubles and is capped', () => {
    expect([1, 2, 3].map((a) => retryDelayMs(30_000, a))).toEqual([30_000, 60_000, 120_000]);
    expect(retryDelayMs(24 * 3_600_000, 5)).toBe(MAX_RETRY_DELAY_MS);
  });
});
