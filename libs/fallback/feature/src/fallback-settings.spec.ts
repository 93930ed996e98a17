import { testConfigFor } from './testing/config';
import { FallbackSettings } from './fallback-settings.service';

describe('fallback settings', () => {
  it('resolves per-tenant overrides and falls back to the defaults', () => {
    const s = new FallbackSettings(testConfigFor({ FALLBACK_UNDELIVERED_AFTER_MS: '0', FALLBACK_TENANT_OVERRIDES: JSON.stringify({ a: { actions: { '131026': 'none' }, undeliveredAfterMs: 60000, maxRetries: 1 } }) }));
    expect(s.overridesFor('a')).toEqual({ '131026': 'none' });
    expect(s.overridesFor('b')).toEqual({});
    expect([s.maxRetriesFor('a'), s.maxRetriesFor('b')]).toEqual([1, 3]);
    expect([s.undeliveredAfterMsFor('a'), s.undeliveredAfterMsFor('b')]).toEqual([60000, 0]);
    expect(s.shortestUndeliveredMs()).toBe(60000);
  });

  it('refuses an action name the policy does not know, at start-up', () => {
    expect(() => new FallbackSettings(testConfigFor({ FALLBACK_TENANT_OVERRIDES: JSON.stringify({ a: { actions: { '131026': 'sms' } } }) }))).toThrow(/not one of/);
  });
});
