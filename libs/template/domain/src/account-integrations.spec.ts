import { blocksPayments, classifyPaymentStatus } from './account-integrations';
import { alertsFor } from './alerts';
import type { PartnerSolutionChange, PaymentConfigurationChange } from './monitor-event.types';
import { maySend } from './send-policy';
import { projectAccount } from './waba-health';

const T = 1_739_321_024_000;

/** Meta's payment_configuration_update example, at `T + minutes`. */
function payment(status: string | undefined, minutes: number, extra: Partial<PaymentConfigurationChange> = {}): PaymentConfigurationChange {
  return {
    type: 'payment.configuration',
    eventId: `pay:${status}@${minutes}`,
    atMs: T + minutes * 60_000,
    configurationName: 'razorpay-prod',
    providerName: 'razorpay',
    providerMid: 'acc_GP4lfNA0iIMn5B',
    status,
    createdAt: 1_748_827_100,
    updatedAt: 1_749_320_300,
    ...extra,
  };
}

/** Meta's partner_solutions example, at `T + minutes`. */
function solution(status: string | undefined, minutes: number, event = 'SOLUTION_UPDATED'): PartnerSolutionChange {
  return { type: 'partner.solution', eventId: `sol:${status}@${minutes}`, atMs: T + minutes * 60_000, solutionId: '774485461512159', event, status };
}

describe('payment configurations', () => {
  it('reads every documented spelling of the statuses; only Active lets payments through', () => {
    expect(['Active', 'ACTIVE', 'Needs Connecting', 'Needs_Connecting', 'Needs Testing', 'needs_testing', 'Suspended'].map(classifyPaymentStatus)).toEqual([
      'ACTIVE', 'ACTIVE', 'NEEDS_CONNECTING', 'NEEDS_CONNECTING', 'NEEDS_TESTING', 'NEEDS_TESTING', 'UNKNOWN',
    ]);
    expect([blocksPayments('Active'), blocksPayments('Needs Testing'), blocksPayments('Suspended'), blocksPayments(undefined)]).toEqual([false, true, true, false]);
  });

  it('keeps each configuration by name at its latest event, whatever the arrival order', () => {
    const testing = payment('Needs Testing', 0);
    const active = payment('Active', 5, { updatedAt: 1_749_400_000 });
    const other = payment('Needs_Connecting', 1, { configurationName: 'payu-test', providerName: 'payu', providerMid: undefined });
    const state = projectAccount([active, other, testing, active]);
    expect(projectAccount([testing, active, other])).toStrictEqual(state);
    expect(state.paymentConfigurations).toEqual([
      { name: 'payu-test', providerName: 'payu', providerMid: undefined, status: 'Needs_Connecting', blocksPayments: true, createdAtMs: 1_748_827_100_000, updatedAtMs: 1_749_320_300_000, atMs: T + 60_000 },
      { name: 'razorpay-prod', providerName: 'razorpay', providerMid: 'acc_GP4lfNA0iIMn5B', status: 'Active', blocksPayments: false, createdAtMs: 1_748_827_100_000, updatedAtMs: 1_749_400_000_000, atMs: T + 300_000 },
    ]);
  });

  it('keeps the last known status when a later event carries none', () => {
    const state = projectAccount([payment(undefined, 9), payment('Needs Connecting', 1)]);
    expect(state.paymentConfigurations[0]).toMatchObject({ status: 'Needs Connecting', blocksPayments: true, atMs: T + 9 * 60_000 });
  });

  it('alerts on every status that blocks payments: disconnected is critical, untested or unknown a warning; Active and no status raise none', () => {
    expect(alertsFor(payment('Needs Connecting', 1))).toEqual([
      {
        kind: 'payment_configuration.blocked',
        severity: 'critical',
        details: { configurationName: 'razorpay-prod', status: 'Needs Connecting', blockedBecause: 'NEEDS_CONNECTING', providerName: 'razorpay', providerMid: 'acc_GP4lfNA0iIMn5B', updatedAt: '2025-06-07T18:18:20.000Z' },
      },
    ]);
    expect(alertsFor(payment('Needs Testing', 1)).map((a) => [a.kind, a.severity])).toEqual([['payment_configuration.blocked', 'warning']]);
    expect(alertsFor(payment('Suspended', 1)).map((a) => [a.kind, a.severity, a.details['blockedBecause']])).toEqual([['payment_configuration.blocked', 'warning', 'UNKNOWN']]);
    expect(alertsFor(payment('Active', 1))).toEqual([]);
    expect(alertsFor(payment(undefined, 1))).toEqual([]);
  });

  it('never blocks templates: payments and template sends are separate', () => {
    expect(maySend(undefined, projectAccount([payment('Needs Connecting', 1)]), T)).toMatchObject({ allowed: true, warnings: [] });
  });
});

describe('partner solutions', () => {
  it('keeps each solution by id with its latest status and event, whatever the arrival order', () => {
    const created = solution('INITIATED', 0, 'SOLUTION_CREATED');
    const active = solution('ACTIVE', 3);
    const deactivated = solution('DEACTIVATED', 7);
    const state = projectAccount([deactivated, created, active]);
    expect(projectAccount([created, active, deactivated, active])).toStrictEqual(state);
    expect(state.partnerSolutions).toEqual([{ solutionId: '774485461512159', status: 'DEACTIVATED', lastEvent: 'SOLUTION_UPDATED', atMs: T + 7 * 60_000 }]);
  });

  it('alerts when a solution is deactivated (critical) or rejected (warning), not on the other statuses', () => {
    expect(alertsFor(solution('DEACTIVATED', 1))).toEqual([
      { kind: 'partner_solution.deactivated', severity: 'critical', details: { solutionId: '774485461512159', event: 'SOLUTION_UPDATED', status: 'DEACTIVATED' } },
    ]);
    expect(alertsFor(solution('REJECTED', 1)).map((a) => [a.kind, a.severity])).toEqual([['partner_solution.rejected', 'warning']]);
    for (const status of ['DRAFT', 'INITIATED', 'ACTIVE', 'PENDING_DEACTIVATION', undefined]) expect(alertsFor(solution(status, 1))).toEqual([]);
  });
});
