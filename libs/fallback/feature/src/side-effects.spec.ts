import { FallbackTopics, StatusTopics } from '@wahooks/events-contract';
import { evolve, initialFallbackState } from '@wahooks/fallback-domain';
import type { Decision, FallbackEvent } from '@wahooks/fallback-domain';

import { effectsOf } from './side-effects';

const W = 'wamid.fx';
const state = (...events: FallbackEvent[]) => events.reduce(evolve, initialFallbackState(W));
const decision = (action: Decision['action'], retry: Decision['retry'] = null): FallbackEvent => ({
  type: 'decided',
  wamid: W,
  atMs: 1_000,
  decision: { code: 1, errorClass: 'retryable', action, reason: 'r', policyVersion: 'v', retry },
});

describe('side effects of a decision', () => {
  it.each([
    ['retry', FallbackTopics.retryRequested, 'retry-requested'],
    ['template-required', FallbackTopics.templateRequired, 'template-required'],
    ['alert', StatusTopics.alerts, 'fallback.needs-attention'],
    ['suppress-marketing', FallbackTopics.fallbackEvents, 'marketing-suppressed'],
  ] as const)('given %s, then one outbox message on %s keyed by the message', (action, topic, kind) => {
    const d = decision(action, action === 'retry' ? { attempt: 1, maxAttempts: 3, delayMs: 500 } : null);
    const fx = effectsOf('t1', d, state(d));
    expect(fx.sms).toEqual([]);
    expect(fx.outbox).toEqual([expect.objectContaining({ topic, key: 't1', idempotencyKey: `${kind}:${W}`, payload: expect.objectContaining({ kind, wamid: W }) })]);
  });

  it.each(['none', 'sms-fallback'] as const)('given %s, then the decision alone has no effect', (action) => {
    expect(effectsOf('t1', decision(action), state())).toEqual({ outbox: [], sms: [] });
  });

  it('given an SMS request, then one SMS row with a key stable per tenant and message', () => {
    const d: FallbackEvent = { type: 'sms-requested', wamid: W, reason: 'undeliverable', to: '15551234567', atMs: 1 };
    const a = effectsOf('t1', d, state(d));
    expect(a.sms).toHaveLength(1);
    expect(effectsOf('t1', d, state(d)).sms[0]?.idempotencyKey).toBe(a.sms[0]?.idempotencyKey);
    expect(effectsOf('t2', d, state(d)).sms[0]?.idempotencyKey).not.toBe(a.sms[0]?.idempotencyKey);
    expect(a.outbox.map((m) => m.idempotencyKey)).toEqual([`sms-requested:${W}`]);
  });

  it('given an SMS that failed for good, then an event and an alert', () => {
    const d: FallbackEvent = { type: 'sms-completed', wamid: W, outcome: 'failed', attempts: 8, detail: 'HTTP 500', atMs: 2 };
    expect(effectsOf('t1', d, state()).outbox.map((m) => m.topic)).toEqual([FallbackTopics.fallbackEvents, StatusTopics.alerts]);
  });
});
