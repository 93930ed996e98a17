import { partnerSolutionsOf, PartnerSolutionState, paymentConfigurationsOf, PaymentConfigurationState } from './account-integrations';
import { distinctInOrder, latest } from './event-order';
import { AccountEvent, AccountUpdate, assertNever, Limit, PhoneEvent, PhoneNameChange, PhoneQualityChange } from './monitor-event.types';

/** One phone number of a WABA (keyed by its display number: these fields carry no id). */
export interface PhoneState {
  /** The latest quality event (ONBOARDING, FLAGGED, UPGRADE…). */
  readonly qualityEvent: string | undefined;
  readonly qualityAtMs: number | undefined;
  /** True after FLAGGED until a later UNFLAGGED or upgrade. */
  readonly flagged: boolean;
  /** The current messaging limit: `max_daily_conversations_per_business`, or the older `current_limit`. */
  readonly limit: Limit | undefined;
  readonly previousLimit: Limit | undefined;
  readonly name: { readonly decision: string | undefined; readonly requestedVerifiedName: string | undefined; readonly rejectionReason: string | undefined; readonly atMs: number | undefined } | undefined;
  readonly history: readonly PhoneEvent[];
}

const CLEARS_FLAG = new Set(['UNFLAGGED', 'UPGRADE', 'ONBOARDING', 'THROUGHPUT_UPGRADE']);

/** Order-independent like the template state: dedupe, sort by Meta's time, then read the latest facts. */
export function projectPhone(events: readonly PhoneEvent[]): PhoneState {
  const history = distinctInOrder(events);
  const quality = latest(history, (e): e is PhoneQualityChange => e.type === 'phone_number.quality');
  const name = latest(history, (e): e is PhoneNameChange => e.type === 'phone_number.name');
  let flagged = false;
  for (const e of history) {
    switch (e.type) {
      case 'phone_number.quality':
        if (e.event === 'FLAGGED') flagged = true;
        else if (e.event !== undefined && CLEARS_FLAG.has(e.event)) flagged = false;
        break;
      case 'phone_number.name':
        break;
      default:
        assertNever(e, 'phone event');
    }
  }
  return {
    qualityEvent: quality?.event,
    qualityAtMs: quality?.atMs,
    flagged,
    limit: quality ? (quality.maxDailyConversations ?? quality.currentLimit) : undefined,
    previousLimit: quality?.oldLimit,
    name: name ? { decision: name.decision, requestedVerifiedName: name.requestedVerifiedName, rejectionReason: name.rejectionReason, atMs: name.atMs } : undefined,
    history,
  };
}

export interface AccountState {
  /** The latest `account_update` event name. */
  readonly lastUpdate: { readonly event: string | undefined; readonly atMs: number | undefined } | undefined;
  /** From the latest ACCOUNT_RESTRICTION; whether they still hold depends on the time asked (see send policy). */
  readonly restrictions: AccountUpdate['restrictions'];
  readonly restrictedAtMs: number | undefined;
  readonly violation: { readonly type: string | undefined; readonly atMs: number | undefined } | undefined;
  readonly ban: { readonly state: string | undefined; readonly date: number | string | undefined; readonly atMs: number | undefined } | undefined;
  readonly review: { readonly decision: string | undefined; readonly atMs: number | undefined } | undefined;
  readonly capability: {
    readonly maxDailyConversationsPerBusiness: Limit | undefined;
    readonly maxDailyConversationPerPhone: Limit | undefined;
    readonly maxPhoneNumbersPerBusiness: number | undefined;
    readonly maxPhoneNumbersPerWaba: number | undefined;
    readonly atMs: number | undefined;
  } | undefined;
  /** Latest state per (alert type, entity); an alert with status NONE is resolved. */
  readonly alerts: readonly { readonly alertType: string | undefined; readonly entityType: string | undefined; readonly entityId: string | undefined; readonly severity: string | undefined; readonly status: string | undefined; readonly description: string | undefined; readonly atMs: number | undefined }[];
  readonly securityEvents: number;
  readonly lastSecurity: { readonly event: string | undefined; readonly displayPhoneNumber: string | undefined; readonly atMs: number | undefined } | undefined;
  /** Payments API gateway configurations, by name (`payment_configuration_update`). */
  readonly paymentConfigurations: readonly PaymentConfigurationState[];
  /** Multi-Partner Solutions, by id (`partner_solutions`; see docs on routing). */
  readonly partnerSolutions: readonly PartnerSolutionState[];
  readonly history: readonly AccountEvent[];
}

export function projectAccount(events: readonly AccountEvent[]): AccountState {
  const history = distinctInOrder(events);
  const updates = history.filter((e): e is AccountUpdate => e.type === 'account.update');
  const lastUpdate = updates[updates.length - 1];
  const restriction = latest(updates, (e): e is AccountUpdate => e.event === 'ACCOUNT_RESTRICTION' || e.restrictions.length > 0);
  const violation = latest(updates, (e): e is AccountUpdate => e.violationType !== undefined);
  const ban = latest(updates, (e): e is AccountUpdate => e.ban !== undefined);
  const alerts = new Map<string, AccountState['alerts'][number]>();
  let capability: AccountState['capability'];
  let review: AccountState['review'];
  let lastSecurity: AccountState['lastSecurity'];
  let securityEvents = 0;
  for (const e of history) {
    switch (e.type) {
      case 'account.update':
        break;
      case 'account.alert':
        alerts.set(JSON.stringify([e.alertType ?? null, e.entityType ?? null, e.entityId ?? null]), {
          alertType: e.alertType, entityType: e.entityType, entityId: e.entityId, severity: e.severity, status: e.status, description: e.description, atMs: e.atMs,
        });
        break;
      case 'account.review':
        review = { decision: e.decision, atMs: e.atMs };
        break;
      case 'business.capability':
        capability = {
          maxDailyConversationsPerBusiness: e.maxDailyConversationsPerBusiness ?? capability?.maxDailyConversationsPerBusiness,
          maxDailyConversationPerPhone: e.maxDailyConversationPerPhone ?? capability?.maxDailyConversationPerPhone,
          maxPhoneNumbersPerBusiness: e.maxPhoneNumbersPerBusiness ?? capability?.maxPhoneNumbersPerBusiness,
          maxPhoneNumbersPerWaba: e.maxPhoneNumbersPerWaba ?? capability?.maxPhoneNumbersPerWaba,
          atMs: e.atMs,
        };
        break;
      case 'security':
        securityEvents += 1;
        lastSecurity = { event: e.event, displayPhoneNumber: e.displayPhoneNumber, atMs: e.atMs };
        break;
      case 'payment.configuration':
      case 'partner.solution':
        break;
      default:
        assertNever(e, 'account event');
    }
  }
  return {
    lastUpdate: lastUpdate ? { event: lastUpdate.event, atMs: lastUpdate.atMs } : undefined,
    restrictions: restriction?.restrictions ?? [],
    restrictedAtMs: restriction?.atMs,
    violation: violation ? { type: violation.violationType, atMs: violation.atMs } : undefined,
    ban: ban?.ban ? { state: ban.ban.state, date: ban.ban.date, atMs: ban.atMs } : undefined,
    review,
    capability,
    alerts: [...alerts.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, v]) => v),
    securityEvents,
    lastSecurity,
    paymentConfigurations: paymentConfigurationsOf(history),
    partnerSolutions: partnerSolutionsOf(history),
    history,
  };
}
