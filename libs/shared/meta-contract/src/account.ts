import { messagingLimit } from './common';
import { ChangeScope, managementBaseOf } from './event-base';
import { asArray, asRecord, idText, isRecord, JsonRecord, metaDate, nonEmpty, numberish, text } from './json';
import type {
  AccountAlertEvent,
  AccountReviewEvent,
  AccountUpdateEvent,
  BusinessCapabilityEvent,
  PhoneNumberNameEvent,
  PhoneNumberQualityEvent,
  SecurityEvent,
} from './management-events.types';

/** Account, phone-number and capability fields: one event per change, typed by field name. */

export function accountUpdate(scope: ChangeScope, value: JsonRecord): AccountUpdateEvent {
  const ban = asRecord(value['ban_info']);
  return {
    kind: 'account.update',
    ...managementBaseOf(scope, value),
    event: nonEmpty(value['event']),
    phoneNumber: nonEmpty(value['phone_number']),
    restrictions: asArray(value['restriction_info'])
      .filter(isRecord)
      .map((restriction) => ({
        restrictionType: text(restriction['restriction_type']),
        expiration: metaDate(restriction['expiration']),
      })),
    violationType: text(asRecord(value['violation_info'])?.['violation_type']),
    ban: ban ? { state: text(ban['waba_ban_state']), date: metaDate(ban['waba_ban_date']) } : undefined,
  };
}

export function accountAlert(scope: ChangeScope, value: JsonRecord): AccountAlertEvent {
  const alert = asRecord(value['alert_info']);
  return {
    kind: 'account.alert',
    ...managementBaseOf(scope, value),
    entityType: text(value['entity_type']),
    entityId: idText(value['entity_id']),
    severity: text(alert?.['alert_severity']),
    status: text(alert?.['alert_status']),
    alertType: text(alert?.['alert_type']),
    description: text(alert?.['alert_description']),
  };
}

export function accountReview(scope: ChangeScope, value: JsonRecord): AccountReviewEvent {
  return { kind: 'account.review', ...managementBaseOf(scope, value), decision: text(value['decision']) };
}

export function security(scope: ChangeScope, value: JsonRecord): SecurityEvent {
  return {
    kind: 'security',
    ...managementBaseOf(scope, value),
    event: nonEmpty(value['event']),
    requester: text(value['requester']),
  };
}

export function phoneNumberQuality(scope: ChangeScope, value: JsonRecord): PhoneNumberQualityEvent {
  return {
    kind: 'phone_number.quality',
    ...managementBaseOf(scope, value),
    event: nonEmpty(value['event']),
    currentLimit: messagingLimit(value['current_limit']),
    oldLimit: messagingLimit(value['old_limit']),
    maxDailyConversationsPerBusiness: messagingLimit(value['max_daily_conversations_per_business']),
  };
}

export function phoneNumberName(scope: ChangeScope, value: JsonRecord): PhoneNumberNameEvent {
  return {
    kind: 'phone_number.name',
    ...managementBaseOf(scope, value),
    decision: text(value['decision']),
    requestedVerifiedName: text(value['requested_verified_name']),
    rejectionReason: text(value['rejection_reason']),
  };
}

export function businessCapability(scope: ChangeScope, value: JsonRecord): BusinessCapabilityEvent {
  return {
    kind: 'business.capability',
    ...managementBaseOf(scope, value),
    maxDailyConversationPerPhone: messagingLimit(value['max_daily_conversation_per_phone']),
    maxDailyConversationsPerBusiness: messagingLimit(value['max_daily_conversations_per_business']),
    maxPhoneNumbersPerBusiness: numberish(value['max_phone_numbers_per_business']),
    maxPhoneNumbersPerWaba: numberish(value['max_phone_numbers_per_waba']),
  };
}
