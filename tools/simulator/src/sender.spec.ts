import type { Delivery } from './plan.types';
import { dueTimes } from './sender';

const d = (seq: number, kind: Delivery['kind']): Delivery => ({ seq, kind, tenantId: 't', body: '{}', updates: 1 });

describe('dueTimes', () => {
  const plan = [d(0, 'accepted'), d(1, 'webhook'), d(2, 'accepted'), d(3, 'platform'), d(4, 'webhook'), d(5, 'accepted')];

  it('paces every delivery by default', () => {
    expect(dueTimes(plan, 100)).toEqual([0, 10, 20, 30, 40, 50]);
  });

  it('paces only the POSTs to the intake with pace webhooks; a send goes with the webhook due next', () => {
    expect(dueTimes(plan, 100, 'webhooks')).toEqual([0, 0, 10, 10, 20, 30]);
  });
});
