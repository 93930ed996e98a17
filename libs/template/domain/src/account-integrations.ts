import type { AccountEvent } from './monitor-event.types';

/**
 * Payment configuration statuses Meta documents for
 * `payment_configuration_update`: `Active` ("can now be used with Payments
 * API"), `Needs Connecting` (disconnected from the gateway), `Needs Testing`
 * (connected, not yet tested in WhatsApp Manager). The Payments API pages
 * write `Needs_Connecting`, so spaces, underscores and case are folded first.
 */
export type PaymentStatus = 'ACTIVE' | 'NEEDS_CONNECTING' | 'NEEDS_TESTING' | 'UNKNOWN';

export function classifyPaymentStatus(raw: string): PaymentStatus {
  const folded = raw.trim().toUpperCase().replace(/[\s_-]+/g, '_');
  switch (folded) {
    case 'ACTIVE':
    case 'NEEDS_CONNECTING':
    case 'NEEDS_TESTING':
      return folded;
    default:
      return 'UNKNOWN';
  }
}

/**
 * Only `Active` is documented as usable: every other status, one we have not
 * seen included, blocks order payments. No status at all says nothing.
 */
export const blocksPayments = (raw: string | undefined): boolean => raw !== undefined && classifyPaymentStatus(raw) !== 'ACTIVE';

/** One payment configuration of the account, by name, as of its latest event. */
export interface PaymentConfigurationState {
  readonly name: string;
  readonly providerName: string | undefined;
  readonly providerMid: string | undefined;
  readonly status: string | undefined;
  readonly blocksPayments: boolean;
  readonly createdAtMs: number | undefined;
  readonly updatedAtMs: number | undefined;
  /** `entry.time` of the latest event. */
  readonly atMs: number | undefined;
}

/** One Multi-Partner Solution, by id, as of its latest event. */
export interface PartnerSolutionState {
  readonly solutionId: string;
  readonly status: string | undefined;
  /** SOLUTION_CREATED or SOLUTION_UPDATED. */
  readonly lastEvent: string | undefined;
  readonly atMs: number | undefined;
}

const ms = (seconds: number | undefined): number | undefined => (seconds === undefined ? undefined : seconds * 1000);
const byText = <T>(key: (v: T) => string) => (a: T, b: T): number => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0);

/**
 * Per configuration name, the latest event in Meta's order; a member the
 * latest event lacks keeps its earlier value (a missing status is no news).
 * `history` must already be distinct and in Meta's order.
 */
export function paymentConfigurationsOf(history: readonly AccountEvent[]): PaymentConfigurationState[] {
  const byName = new Map<string, PaymentConfigurationState>();
  for (const e of history) {
    if (e.type !== 'payment.configuration') continue;
    const before = byName.get(e.configurationName);
    const status = e.status ?? before?.status;
    byName.set(e.configurationName, {
      name: e.configurationName,
      providerName: e.providerName ?? before?.providerName,
      providerMid: e.providerMid ?? before?.providerMid,
      status,
      blocksPayments: blocksPayments(status),
      createdAtMs: ms(e.createdAt) ?? before?.createdAtMs,
      updatedAtMs: ms(e.updatedAt) ?? before?.updatedAtMs,
      atMs: e.atMs,
    });
  }
  return [...byName.values()].sort(byText((c) => c.name));
}

/** Per solution id, the latest status and event in Meta's order (same rule as above). */
export function partnerSolutionsOf(history: readonly AccountEvent[]): PartnerSolutionState[] {
  const byId = new Map<string, PartnerSolutionState>();
  for (const e of history) {
    if (e.type !== 'partner.solution') continue;
    const before = byId.get(e.solutionId);
    byId.set(e.solutionId, { solutionId: e.solutionId, status: e.status ?? before?.status, lastEvent: e.event ?? before?.lastEvent, atMs: e.atMs });
  }
  return [...byId.values()].sort(byText((s) => s.solutionId));
}
