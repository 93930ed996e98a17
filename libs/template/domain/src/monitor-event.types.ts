/**
 * The management facts the template monitor keeps, as plain data. Built from
 * Meta's webhooks by the feature lib; only meaning is kept (no delivery
 * positions), so a repeated webhook is an identical event.
 */

/** What every event carries: its identity and Meta's `entry.time`, the only clock these fields have. */
export interface EventCore {
  /** Stable across Meta's retries and fan-out: the dedupe identity. */
  readonly eventId: string;
  /** `entry.time` in ms; `undefined` when Meta sent none (sorts first). */
  readonly atMs: number | undefined;
}

export interface TemplateStatusChange extends EventCore {
  readonly type: 'template.status';
  readonly templateId: string | undefined;
  /** APPROVED, PAUSED, DISABLED… as sent; see `classifyTemplateStatus`. */
  readonly event: string;
  readonly reason: string | null | undefined;
  readonly category: string | undefined;
  /** `other_info.title`: FIRST_PAUSE, SECOND_PAUSE, RATE_LIMITING_PAUSE, UNPAUSE, DISABLED. */
  readonly otherInfoTitle: string | undefined;
  readonly otherInfoDescription: string | undefined;
  readonly rejectionReason: string | undefined;
  readonly rejectionRecommendation: string | undefined;
  /** `disable_info.disable_date`: Unix seconds or Meta's prose. */
  readonly disableDate: number | string | undefined;
}

export interface TemplateQualityChange extends EventCore {
  readonly type: 'template.quality';
  readonly templateId: string | undefined;
  readonly previousScore: string | undefined;
  /** GREEN, YELLOW, RED, UNKNOWN. */
  readonly score: string;
}

export interface TemplateCategoryChange extends EventCore {
  readonly type: 'template.category';
  readonly templateId: string | undefined;
  readonly phase: 'impending' | 'completed';
  /** Completed: the category now; impending: the category until `effectiveAtMs`. */
  readonly category: string | undefined;
  readonly previousCategory: string | undefined;
  /** Impending only: the category Meta will apply. */
  readonly correctCategory: string | undefined;
  readonly effectiveAtMs: number | undefined;
}

export interface TemplateComponentsChange extends EventCore {
  readonly type: 'template.components';
  readonly templateId: string | undefined;
  readonly title: string | undefined;
  readonly body: string | undefined;
  readonly footer: string | undefined;
  readonly buttons: readonly { readonly type: string | undefined; readonly text: string | undefined; readonly url: string | undefined; readonly phoneNumber: string | undefined }[];
}

export type TemplateEvent = TemplateStatusChange | TemplateQualityChange | TemplateCategoryChange | TemplateComponentsChange;

/** A messaging limit as a count (`unlimited` for -1 / TIER_UNLIMITED), with the wire value. */
export interface Limit {
  readonly raw: number | string;
  readonly daily: number | 'unlimited' | undefined;
}

export interface PhoneQualityChange extends EventCore {
  readonly type: 'phone_number.quality';
  /** ONBOARDING, THROUGHPUT_UPGRADE, FLAGGED, UNFLAGGED, UPGRADE, DOWNGRADE… */
  readonly event: string | undefined;
  readonly currentLimit: Limit | undefined;
  readonly oldLimit: Limit | undefined;
  readonly maxDailyConversations: Limit | undefined;
}

export interface PhoneNameChange extends EventCore {
  readonly type: 'phone_number.name';
  readonly decision: string | undefined;
  readonly requestedVerifiedName: string | undefined;
  readonly rejectionReason: string | undefined;
}

export type PhoneEvent = PhoneQualityChange | PhoneNameChange;

export interface AccountUpdate extends EventCore {
  readonly type: 'account.update';
  readonly event: string | undefined;
  readonly phoneNumber: string | undefined;
  readonly restrictions: readonly { readonly type: string | undefined; readonly expiration: number | string | undefined }[];
  readonly violationType: string | undefined;
  /** `waba_ban_date` is prose ("January 31, 2021"), kept as sent. */
  readonly ban: { readonly state: string | undefined; readonly date: number | string | undefined } | undefined;
}

export interface AccountAlert extends EventCore {
  readonly type: 'account.alert';
  readonly entityType: string | undefined;
  readonly entityId: string | undefined;
  readonly severity: string | undefined;
  readonly status: string | undefined;
  readonly alertType: string | undefined;
  readonly description: string | undefined;
}

export interface AccountReview extends EventCore {
  readonly type: 'account.review';
  readonly decision: string | undefined;
}

export interface BusinessCapability extends EventCore {
  readonly type: 'business.capability';
  readonly maxDailyConversationPerPhone: Limit | undefined;
  readonly maxDailyConversationsPerBusiness: Limit | undefined;
  readonly maxPhoneNumbersPerBusiness: number | undefined;
  readonly maxPhoneNumbersPerWaba: number | undefined;
}

export interface SecurityNotice extends EventCore {
  readonly type: 'security';
  readonly displayPhoneNumber: string | undefined;
  /** PIN_CHANGED, PIN_RESET_REQUEST, PIN_REQUEST_SUCCESS. */
  readonly event: string | undefined;
  readonly requester: string | undefined;
}

/**
 * `payment_configuration_update`: a Payments API (India, Brazil) gateway
 * configuration changed. Meta documents `Active`, `Needs Connecting` and
 * `Needs Testing`; other pages spell them with underscores.
 */
export interface PaymentConfigurationChange extends EventCore {
  readonly type: 'payment.configuration';
  /** The name order-details messages refer to: the configuration's identity. */
  readonly configurationName: string;
  readonly providerName: string | undefined;
  readonly providerMid: string | undefined;
  /** As sent; see `classifyPaymentStatus`. */
  readonly status: string | undefined;
  /** `created_timestamp` / `updated_timestamp`, Unix seconds. */
  readonly createdAt: number | undefined;
  readonly updatedAt: number | undefined;
}

/**
 * `partner_solutions`: a Multi-Partner Solution changed. Meta addresses it to
 * a business portfolio (`entry.id`), so it reaches an account only when that
 * id is registered as the tenant's WABA (docs/template-monitor.md).
 */
export interface PartnerSolutionChange extends EventCore {
  readonly type: 'partner.solution';
  readonly solutionId: string;
  /** SOLUTION_CREATED, SOLUTION_UPDATED. */
  readonly event: string | undefined;
  /** DRAFT, INITIATED, ACTIVE, REJECTED, PENDING_DEACTIVATION, DEACTIVATED. */
  readonly status: string | undefined;
}

export type AccountEvent = AccountUpdate | AccountAlert | AccountReview | BusinessCapability | SecurityNotice | PaymentConfigurationChange | PartnerSolutionChange;

export type MonitorEvent = TemplateEvent | PhoneEvent | AccountEvent;
export type MonitorEventType = MonitorEvent['type'];

export const MONITOR_EVENT_TYPES: readonly MonitorEventType[] = [
  'template.status',
  'template.quality',
  'template.category',
  'template.components',
  'phone_number.quality',
  'phone_number.name',
  'account.update',
  'account.alert',
  'account.review',
  'business.capability',
  'security',
  'payment.configuration',
  'partner.solution',
];

/** For exhaustive switches. */
export function assertNever(value: never, what = 'value'): never {
  throw new Error(`unhandled ${what}: ${JSON.stringify(value)}`);
}
