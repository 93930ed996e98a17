import { classifyAttempt, nextAttemptDelayMs, signAlertBody, verifyAlertSignature } from './delivery-policy';

const policy = { baseDelayMs: 1000, maxDelayMs: 60_000, giveUpAfterMs: 3_600_000 };

describe('alert delivery policy', () => {
  it('retries 5xx, 408, 429, timeouts and connection errors; gives up at once on other 4xx', () => {
    expect(classifyAttempt({ kind: 'response', status: 204 })).toBe('delivered');
    for (const status of [500, 503, 408, 429]) expect(classifyAttempt({ kind: 'response', status })).toBe('retry');
    expect(classifyAttempt({ kind: 'timeout' })).toBe('retry');
    expect(classifyAttempt({ kind: 'network', message: 'ECONNREFUSED' })).toBe('retry');
    for (const status of [400, 401, 404, 410]) expect(classifyAttempt({ kind: 'response', status })).toBe('rejected');
  });

  it('backs off exponentially with jitter, capped, and stops past the give-up time', () => {
    expect(nextAttemptDelayMs(policy, 1, 0, 0)).toBe(500);
    expect(nextAttemptDelayMs(policy, 1, 0, 1)).toBe(1000);
    expect(nextAttemptDelayMs(policy, 4, 0, 1)).toBe(8000);
    expect(nextAttemptDelayMs(policy, 30, 0, 1)).toBe(60_000);
    expect(nextAttemptDelayMs(policy, 3, 3_599_000, 1)).toBeUndefined();
  });

  it('signs the timestamp with the body, so a replay with a new time fails', () => {
    const header = signAlertBody('{"a":1}', 'whsec_x', 1_700_000_000);
    expect(verifyAlertSignature('{"a":1}', header, 'whsec_x', 1_700_000_010)).toBe(true);
    expect(verifyAlertSignature('{"a":2}', header, 'whsec_x', 1_700_000_010)).toBe(false);
    expect(verifyAlertSignature('{"a":1}', header.replace('t=1700000000', 't=1700000100'), 'whsec_x', 1_700_000_100)).toBe(false);
    expect(verifyAlertSignature('{"a":1}', header, 'whsec_x', 1_700_001_000)).toBe(false);
  });
});
