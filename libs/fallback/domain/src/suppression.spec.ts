import fc from 'fast-check';

import type { SuppressionChanged } from './fallback-event.types';
import { evolveSuppression, isMarketingCategory, mayReceiveMarketing, preferenceChange, SuppressionState } from './suppression';

const change = (c: 'stop' | 'resume', atMs: number, source: SuppressionChanged['source'] = 'user_preferences'): SuppressionChanged => ({
  type: 'suppression',
  user: '15551234567',
  change: c,
  source,
  atMs,
});
const fold = (events: SuppressionChanged[]) => events.reduce<SuppressionState | null>(evolveSuppression, null);

describe('marketing suppression', () => {
  it('given stop then resume, then the user may receive marketing again', () => {
    expect(mayReceiveMarketing(fold([change('stop', 1)]))).toBe(false);
    expect(mayReceiveMarketing(fold([change('stop', 1), change('resume', 2)]))).toBe(true);
  });

  it('given a resume delivered before an older stop, then the resume still wins', () => {
    expect(mayReceiveMarketing(fold([change('resume', 2), change('stop', 1)]))).toBe(true);
  });

  it('given a 131050 failure after a resume, then the user is suppressed again', () => {
    expect(fold([change('resume', 1), change('stop', 2, 'error-131050')])).toMatchObject({ suppressed: true, source: 'error-131050' });
  });

  it('given a stop and a resume at the same instant, then stop wins', () => {
    expect(fold([change('resume', 5), change('stop', 5)])?.suppressed).toBe(true);
    expect(fold([change('stop', 5), change('resume', 5)])?.suppressed).toBe(true);
  });

  it('given nobody ever stopped, then marketing is allowed', () => {
    expect(mayReceiveMarketing(null)).toBe(true);
  });

  it('given any order of the same changes, then the list ends in the same state', () => {
    const changes = fc.array(
      fc.record({ c: fc.constantFrom<'stop' | 'resume'>('stop', 'resume'), at: fc.integer({ min: 0, max: 20 }), s: fc.constantFrom<SuppressionChanged['source']>('user_preferences', 'error-131050') }),
      { minLength: 1, maxLength: 12 },
    );
    fc.assert(
      fc.property(changes, fc.integer(), (raw, seed) => {
        const events = raw.map((r) => change(r.c, r.at, r.s));
        const shuffled = [...events].sort((a, b) => ((a.atMs * 31 + seed) % 7) - ((b.atMs * 31 + seed) % 7));
        expect(fold(shuffled)?.suppressed).toBe(fold(events)?.suppressed);
        expect(fold(shuffled)?.changedAtMs).toBe(fold(events)?.changedAtMs);
      }),
      { numRuns: 300 },
    );
  });

  it('maps preferences and categories', () => {
    expect([preferenceChange('stop'), preferenceChange('resume'), preferenceChange('signup'), preferenceChange('unknown')]).toEqual(['stop', 'resume', 'resume', null]);
    expect(['marketing', 'marketing_lite', 'group_marketing', 'utility', undefined].map(isMarketingCategory)).toEqual([true, true, true, false, false]);
  });
});
