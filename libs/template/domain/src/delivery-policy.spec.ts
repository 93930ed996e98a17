import { attemptError, classifyAttempt, nextAttemptDelayMs, signAlertBody, verifyAlertSignature, visibleAttemptError } from './delivery-policy';

const policy = { baseDelayMs: 1000, maxDelayMs: 60_000, giveUpAfterMs: 3_600_000 };

describe('alert delivery policy', () => {
  it('retries 5xx, 408, 429, timeouts and connection errors; gives up at once on other 4xx', () => {
    expect(classifyAttempt({ kind: 'response', status: 204 })).toBe('delivered');
    for (const status of [500, 503, 408, 429]) expect(classifyAttempt({ kind: 'response', status })).toBe('retry');
    expect(classifyAttempt({ kind: 'timeout' })).toBe('retry');
    expect(classifyAttempt({ kind: 'network', message: 'ECONNREFUSED' })).toBe('retry');
    for (const status of [400, 401, 404, 410]) expect(classifyAttempt({ kind: 'response', status })).toBe('rejected');
  });

  it('gives up at once on a redirect (not followed) and on a target the egress policy refuses', () => {
    for (const status of [301, 302, 307, 308]) expect(classifyAttempt({ kind: 'response', status })).toBe('rejected');
    expect(classifyAttempt({ kind: 'refused', message: 'egress refused: 10.0.0.5:443' })).toBe('rejected');
  });

  it('shows a tenant a category, never our error text', () => {
    expect(attemptError({ kind: 'response', status: 204 })).toBeNull();
    expect(attemptError({ kind: 'response', status: 503 })).toBe('http-5xx');
    expect(attemptError({ kind: 'response', status: 404 })).toBe('http-4xx');
    expect(attemptError({ kind: 'response', status: 302 })).toBe('http-3xx');
    expect(attemptError({ kind: 'timeout' })).toBe('timeout');
    expect(attemptError({ kind: 'network', message: 'connect ECONNREFUSED 10.1.2.3:8080' })).toBe('network');
    expect(attemptError({ kind: 'refused', message: 'egress refused: x:80 -> 127.0.0.1 (loopback)' })).toBe('refused-by-egress-policy');
  });

  it('shows rows stored before categories as their category', () => {
    expect(visibleAttemptError(null, null)).toBeNull();
    expect(visibleAttemptError('refused-by-egress-policy', null)).toBe('refused-by-egress-policy');
    expect(visibleAttemptError('HTTP 503', 503)).toBe('http-5xx');
    expect(visibleAttemptError('timeout after 800 ms', null)).toBe('timeout');
    expect(visibleAttemptError('fetch failed: connect ECONNREFUSED 10.1.2.3:8080', null)).toBe('network');
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
