import type { MessagingLimit } from './common.types';
import type { EventBase } from './meta-event.types';

/**
 * WABA management fields: one event per change, routed by `entry.id` only
 * (no phone number id exists in these payloads).
 */
interface ManagementBase extends EventBase {
  readonly itemIndex: undefined;
}

export interface TemplateRef {
  /** `message_template_id`, a JSON number on the wire, kept as its decimal string. */
  readonly templateId: string | undefined;
  readonly templateName: string | undefined;
  /** `en_US` or `en-US` depending on the source. */
  readonly language: string | undefined;
}

/** `message_template_status_update`. */
export interface TemplateStatusEvent extends ManagementBase, TemplateRef {
  readonly kind: 'template.status';
  /** APPROVED, REJECTED, PAUSED, DISABLED, FLAGGED, LOCKED, PENDING_DELETION… */
  readonly event: string;
  /** `null` when Meta sends null (scheduled deletion, old FLAGGED); `undefined` when absent. */
  readonly reason: string | null | undefined;
  readonly category: string | undefined;
  readonly otherInfo: { readonly title: string | undefined; readonly description: string | undefined } | undefined;
  readonly rejectionInfo: { readonly reason: string | undefined; readonly recommendation: string | undefined } | undefined;
  /** `disable_info.disable_date`: Unix seconds, or prose such as "January 31, 2021". */
  readonly disableDate: number | string | undefined;
}

/** `message_template_quality_update`, also when mislabelled as a status update. */
export interface TemplateQualityEvent extends ManagementBase, TemplateRef {
  readonly kind: 'template.quality';
  readonly previousQualityScore: string | undefined;
  /** GREEN, YELLOW, RED, UNKNOWN. */
  readonly newQualityScore: string;
}

export type TemplateCategoryUpdate =
  /** Meta will recategorise the template in about 24 h. */
  | {
      readonly phase: 'impending';
      /** Sent as `new_category`, which in this shape means the current one. */
      readonly currentCategory: string | undefined;
      readonly correctCategory: string | undefined;
      /** `category_update_timestamp`: when the change lands. */
      readonly effectiveAt: number | undefined;
    }
  | { readonly phase: 'completed'; readonly previousCategory: string | undefined; readonly newCategory: string | undefined };

/** `template_category_update`. */
export interface TemplateCategoryEvent extends ManagementBase, TemplateRef {
  readonly kind: 'template.category';
  readonly update: TemplateCategoryUpdate;
}

export interface TemplateButton {
  readonly type: string | undefined;
  readonly text: string | undefined;
  readonly url: string | undefined;
  readonly phoneNumber: string | undefined;
}

/** `message_template_components_update` (Meta's flattened shape). */
export interface TemplateComponentsEvent extends ManagementBase, TemplateRef {
  readonly kind: 'template.components';
  readonly title: string | undefined;
  /** The body text. */
  readonly element: string | undefined;
  readonly footer: string | undefined;
  readonly buttons: readonly TemplateButton[];
}

/** `phone_number_quality_update`. */
export interface PhoneNumberQualityEvent extends ManagementBase {
  readonly kind: 'phone_number.quality';
  /** ONBOARDING, THROUGHPUT_UPGRADE; older FLAGGED, UNFLAGGED, UPGRADE, DOWNGRADE. */
  readonly event: string | undefined;
  /** Removed by Meta in Feb 2026 in favour of `maxDailyConversationsPerBusiness`. */
  readonly currentLimit: MessagingLimit | undefined;
  readonly oldLimit: MessagingLimit | undefined;
  readonly maxDailyConversationsPerBusiness: MessagingLimit | undefined;
}

/** `phone_number_name_update`. */
export interface PhoneNumberNameEvent extends ManagementBase {
  readonly kind: 'phone_number.name';
  readonly decision: string | undefined;
  readonly requestedVerifiedName: string | undefined;
  readonly rejectionReason: string | undefined;
}

/** `business_capability_update`. */
export interface BusinessCapabilityEvent extends ManagementBase {
  readonly kind: 'business.capability';
  /** Removed by Meta in Feb 2026. */
  readonly maxDailyConversationPerPhone: MessagingLimit | undefined;
  readonly maxDailyConversationsPerBusiness: MessagingLimit | undefined;
  readonly maxPhoneNumbersPerBusiness: number | undefined;
  readonly maxPhoneNumbersPerWaba: number | undefined;
}

/** `account_update`. Event-specific objects not typed here (waba_info, volume_tier_info…) stay in `raw`. */
export interface AccountUpdateEvent extends ManagementBase {
  readonly kind: 'account.update';
  readonly event: string | undefined;
  readonly phoneNumber: string | undefined;
  readonly restrictions: readonly {
    readonly restrictionType: string | undefined;
    readonly expiration: number | string | undefined;
  }[];
  readonly violationType: string | undefined;
  /** `waba_ban_date` arrives as prose ("January 31, 2021"), kept verbatim. */
  readonly ban: { readonly state: string | undefined; readonly date: number | string | undefined } | undefined;
}

/** `account_alerts`. */
export interface AccountAlertEvent extends ManagementBase {
  readonly kind: 'account.alert';
  /** BUSINESS, PHONE_NUMBER, CURRENT_STATUS_ID. */
  readonly entityType: string | undefined;
  readonly entityId: string | undefined;
  readonly severity: string | undefined;
  readonly status: string | undefined;
  readonly alertType: string | undefined;
  readonly description: string | undefined;
}

/** `account_review_update`. */
export interface AccountReviewEvent extends ManagementBase {
  readonly kind: 'account.review';
  /** APPROVED, REJECTED, PENDING, DEFERRED. */
  readonly decision: string | undefined;
}

/** `security`. */
export interface SecurityEvent extends ManagementBase {
  readonly kind: 'security';
  /** PIN_CHANGED, PIN_RESET_REQUEST, PIN_REQUEST_SUCCESS. */
  readonly event: string | undefined;
  readonly requester: string | undefined;
}

/**
 * `partner_solutions`: a Multi-Partner Solution changed status. Meta sends it
 * with `entry.id` set to the **business portfolio** id, not a WABA id, so
 * `wabaId` holds the portfolio id for this kind.
 */
export interface PartnerSolutionEvent extends ManagementBase {
  readonly kind: 'partner.solution';
  /** SOLUTION_CREATED, SOLUTION_UPDATED. */
  readonly event: string | undefined;
  readonly solutionId: string;
  /** DRAFT, INITIATED, ACTIVE, REJECTED, PENDING_DEACTIVATION, DEACTIVATED. */
  readonly solutionStatus: string | undefined;
}

/** `payment_configuration_update`: a Payments API (India, Brazil) gateway configuration changed. */
export interface PaymentConfigurationEvent extends ManagementBase {
  readonly kind: 'payment.configuration';
  /** The name order-details messages refer to. */
  readonly configurationName: string;
  /** razorpay, payu, zaakpay, billdesk… */
  readonly providerName: string | undefined;
  /** The gateway's merchant account id. */
  readonly providerMid: string | undefined;
  /**
   * Kept verbatim: the webhook reference writes `Active`, `Needs Connecting`,
   * `Needs Testing`, the Payments API pages write `Needs_Connecting`.
   */
  readonly status: string | undefined;
  /** `created_timestamp`, Unix seconds. */
  readonly createdAt: number | undefined;
  /** `updated_timestamp`, Unix seconds. */
  readonly updatedAt: number | undefined;
}

/**
 * `flows`: a Flow changed status, or an endpoint-powered Flow crossed (or
 * recovered from) an alert threshold. Which members are set depends on `event`.
 */
export interface FlowUpdateEvent extends ManagementBase {
  readonly kind: 'flow.update';
  /**
   * FLOW_STATUS_CHANGE, CLIENT_ERROR_RATE, ENDPOINT_ERROR_RATE, ENDPOINT_LATENCY,
   * ENDPOINT_AVAILABILITY, FLOW_VERSION_EXPIRY_WARNING…
   */
  readonly event: string;
  readonly flowId: string | undefined;
  /** Meta's prose, e.g. "Flow Webhook 1 changed status from DRAFT to PUBLISHED". */
  readonly message: string | undefined;
  /** FLOW_STATUS_CHANGE: DRAFT, PUBLISHED, DEPRECATED, BLOCKED, THROTTLED. */
  readonly oldStatus: string | undefined;
  readonly newStatus: string | undefined;
  /** Alert events: ACTIVATED or DEACTIVATED. */
  readonly alertState: string | undefined;
  readonly threshold: number | undefined;
  readonly errorRate: number | undefined;
  readonly p50Latency: number | undefined;
  readonly p90Latency: number | undefined;
  readonly requestsCount: number | undefined;
  readonly availability: number | undefined;
}
