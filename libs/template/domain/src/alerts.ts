import { classifyPaymentStatus } from './account-integrations';
import { assertNever, MonitorEvent, PartnerSolutionChange, PaymentConfigurationChange, PhoneQualityChange } from './monitor-event.types';
import { pauseDurationMs } from './template-status';

export type AlertKind =
  | 'template.paused'
  | 'template.disabled'
  | 'template.rejected'
  | 'template.flagged'
  | 'template.quality_red'
  | 'phone_number.flagged'
  | 'phone_number.degraded'
  | 'account.restricted'
  | 'account.banned'
  | 'account.violation'
  | 'account.security'
  | 'payment_configuration.blocked'
  | 'partner_solution.deactivated'
  | 'partner_solution.rejected';

export type AlertSeverity = 'critical' | 'warning';

export interface AlertDecision {
  readonly kind: AlertKind;
  readonly severity: AlertSeverity;
  /** What the receiver needs to act, from the event alone. */
  readonly details: Readonly<Record<string, string | number | null>>;
}

/**
 * The alerts one fact raises, decided from the event alone (not from the
 * state it lands in): the same set of events then raises the same set of
 * alerts whatever their arrival order, and a repeated webhook (same event id)
 * raises nothing new. An older pause arriving after a disable is still
 * reported: it happened, and the alert carries its own time.
 */
export function alertsFor(e: MonitorEvent): AlertDecision[] {
  switch (e.type) {
    case 'template.status':
      switch (e.event) {
        case 'PAUSED': {
          const duration = pauseDurationMs(e.otherInfoTitle, 0);
          const endsAt = duration !== undefined && e.atMs !== undefined ? new Date(e.atMs + duration).toISOString() : null;
          return [{ kind: 'template.paused', severity: 'warning', details: { reason: e.reason ?? null, pause: e.otherInfoTitle ?? null, endsAt } }];
        }
        case 'DISABLED':
          return [{ kind: 'template.disabled', severity: 'critical', details: { reason: e.reason ?? null } }];
        case 'REJECTED':
          return [{ kind: 'template.rejected', severity: 'warning', details: { reason: e.reason ?? null, rejection: e.rejectionReason ?? null } }];
        case 'FLAGGED':
          return [{ kind: 'template.flagged', severity: 'warning', details: { reason: e.reason ?? null, disableDate: e.disableDate ?? null } }];
        default:
          return [];
      }
    case 'template.quality':
      return e.score === 'RED' ? [{ kind: 'template.quality_red', severity: 'warning', details: { previousScore: e.previousScore ?? null } }] : [];
    case 'phone_number.quality':
      return phoneAlerts(e);
    case 'account.update':
      return accountAlerts(e);
    case 'security':
      return [{ kind: 'account.security', severity: 'warning', details: { event: e.event ?? null, displayPhoneNumber: e.displayPhoneNumber ?? null, requester: e.requester ?? null } }];
    case 'payment.configuration':
      return paymentAlerts(e);
    case 'partner.solution':
      return partnerSolutionAlerts(e);
    case 'template.category':
    case 'template.components':
    case 'phone_number.name':
    case 'account.alert':
    case 'account.review':
    case 'business.capability':
      return [];
    default:
      return assertNever(e, 'monitor event');
  }
}

function phoneAlerts(e: PhoneQualityChange): AlertDecision[] {
  const limit = e.maxDailyConversations ?? e.currentLimit;
  const details = { event: e.event ?? null, limit: limit?.raw ?? null, previousLimit: e.oldLimit?.raw ?? null };
  if (e.event === 'FLAGGED') return [{ kind: 'phone_number.flagged', severity: 'warning', details }];
  if (e.event === 'DOWNGRADE' || lowered(e.oldLimit?.daily, limit?.daily)) return [{ kind: 'phone_number.degraded', severity: 'warning', details }];
  return [];
}

function lowered(before: number | 'unlimited' | undefined, after: number | 'unlimited' | undefined): boolean {
  if (before === undefined || after === undefined || before === after) return false;
  if (before === 'unlimited') return true;
  return after !== 'unlimited' && after < before;
}

function accountAlerts(e: Extract<MonitorEvent, { type: 'account.update' }>): AlertDecision[] {
  const out: AlertDecision[] = [];
  if (e.event === 'ACCOUNT_RESTRICTION' || e.restrictions.length > 0) {
    out.push({ kind: 'account.restricted', severity: 'critical', details: { restrictions: e.restrictions.map((r) => r.type ?? '?').join(',') } });
  }
  // REINSTATE is the good news end of a ban, not a ban.
  if (e.ban && e.ban.state !== 'REINSTATE') {
    out.push({ kind: 'account.banned', severity: 'critical', details: { state: e.ban.state ?? null, date: e.ban.date ?? null } });
  }
  if (e.event === 'ACCOUNT_VIOLATION' || e.violationType !== undefined) {
    out.push({ kind: 'account.violation', severity: 'warning', details: { violationType: e.violationType ?? null } });
  }
  return out;
}

/**
 * A configuration whose status is not `Active` cannot take payments: order
 * details naming it fail. Disconnected (`Needs Connecting`) is critical;
 * not yet tested, or a status Meta has not documented, is a warning. An
 * event without a status says nothing, and raises nothing.
 */
function paymentAlerts(e: PaymentConfigurationChange): AlertDecision[] {
  if (e.status === undefined) return [];
  const status = classifyPaymentStatus(e.status);
  if (status === 'ACTIVE') return [];
  const details = {
    configurationName: e.configurationName,
    status: e.status,
    blockedBecause: status,
    providerName: e.providerName ?? null,
    providerMid: e.providerMid ?? null,
    updatedAt: e.updatedAt !== undefined ? new Date(e.updatedAt * 1000).toISOString() : null,
  };
  return [{ kind: 'payment_configuration.blocked', severity: status === 'NEEDS_CONNECTING' ? 'critical' : 'warning', details }];
}

/**
 * DEACTIVATED ends a working solution: critical. REJECTED means the partner
 * declined a request and nothing that worked stopped: a warning.
 * PENDING_DEACTIVATION raises nothing: the owner asked for it.
 */
function partnerSolutionAlerts(e: PartnerSolutionChange): AlertDecision[] {
  const details = { solutionId: e.solutionId, event: e.event ?? null, status: e.status ?? null };
  const status = e.status?.toUpperCase();
  if (status === 'DEACTIVATED') return [{ kind: 'partner_solution.deactivated', severity: 'critical', details }];
  if (status === 'REJECTED') return [{ kind: 'partner_solution.rejected', severity: 'warning', details }];
  return [];
}
