import {
  accountAlert,
  accountReview,
  accountUpdate,
  businessCapability,
  phoneNumberName,
  phoneNumberQuality,
  security,
} from './account';
import { parseMetadata } from './common';
import type { Envelope } from './envelope';
import { ChangeScope, unknownEvent } from './event-base';
import { UNMODELLED_FIELDS } from './fields';
import { flowUpdate, partnerSolution, paymentConfiguration } from './integrations';
import { asArray, epochSeconds, idText, isRecord, JsonRecord, nonEmpty } from './json';
import { isMessagingField, messagingEvents } from './messaging';
import type { MetaEvent } from './meta-event.types';
import { templateEvent } from './templates';

type ManagementHandler = (scope: ChangeScope, value: JsonRecord) => MetaEvent;

/** Fields whose value is one management object. Template fields share one shape-first classifier. */
const MANAGEMENT_HANDLERS: Readonly<Record<string, ManagementHandler>> = {
  message_template_status_update: templateEvent,
  message_template_quality_update: templateEvent,
  template_category_update: templateEvent,
  message_template_components_update: templateEvent,
  account_update: accountUpdate,
  account_alerts: accountAlert,
  account_review_update: accountReview,
  security,
  phone_number_quality_update: phoneNumberQuality,
  phone_number_name_update: phoneNumberName,
  business_capability_update: businessCapability,
  partner_solutions: partnerSolution,
  payment_configuration_update: paymentConfiguration,
  flows: flowUpdate,
};

/**
 * Every entry, change and item of a delivery as typed domain events, in
 * delivery order. Total: it never throws, and whatever it cannot type comes
 * out as an `unknown` event carrying the raw JSON, so nothing is dropped.
 */
export function normalizeEnvelope(envelope: Envelope): MetaEvent[] {
  // Typed callers always pass an object array; the guard keeps the function
  // total for values that were cast rather than parsed.
  return asArray(envelope.entry).flatMap((entry, entryIndex) => normalizeEntry(entry, entryIndex));
}

function normalizeEntry(entry: unknown, entryIndex: number): MetaEvent[] {
  if (!isRecord(entry)) return [unknownEvent({ wabaId: '', entryIndex, entryTime: undefined }, 'entry_not_object', entry)];
  const wabaId = idText(entry['id']) ?? '';
  const entryTime = epochSeconds(entry['time']);
  const changes = entry['changes'];
  if (!Array.isArray(changes)) return [unknownEvent({ wabaId, entryIndex, entryTime }, 'entry_without_changes', entry)];
  return changes.flatMap((change: unknown, changeIndex) => {
    const where = { wabaId, entryIndex, entryTime, changeIndex };
    try {
      return normalizeChange(where, change);
    } catch (error) {
      // A bug here must cost one change, not the whole delivery (which
      // would otherwise be retried into a dead-letter topic).
      return [containedFailure(where, change, error)];
    }
  });
}

function containedFailure(where: Where, change: unknown, error: unknown): MetaEvent {
  const detail = error instanceof Error ? error.message : String(error);
  try {
    return unknownEvent(where, 'normalizer_error', change, { detail });
  } catch {
    // The change cannot even be hashed (only possible for values that did
    // not come from JSON.parse); key on what is known about the failure.
    return unknownEvent(where, 'normalizer_error', change, {
      detail,
      identity: ['normalizer_error', where.wabaId, where.entryTime ?? null, detail],
    });
  }
}

type Where = Pick<ChangeScope, 'wabaId' | 'entryIndex' | 'entryTime' | 'changeIndex'>;

function normalizeChange(where: Where, change: unknown): MetaEvent[] {
  if (!isRecord(change)) return [unknownEvent(where, 'change_not_object', change)];
  const field = nonEmpty(change['field']);
  if (field === undefined) return [unknownEvent(where, 'missing_field', change)];
  const value = change['value'];
  if (!isRecord(value)) return [unknownEvent({ ...where, field }, 'value_not_object', change)];

  if (isMessagingField(field)) return messagingEvents({ ...where, field, ...parseMetadata(value) }, field, value);
  const handler = Object.hasOwn(MANAGEMENT_HANDLERS, field) ? MANAGEMENT_HANDLERS[field] : undefined;
  if (handler) {
    // Quality, name and security updates name the number only by its display form.
    return [
      handler({ ...where, field, phoneNumberId: undefined, displayPhoneNumber: nonEmpty(value['display_phone_number']) }, value),
    ];
  }
  const detail = UNMODELLED_FIELDS.includes(field) ? `${field} is not modelled` : `unknown field ${field}`;
  return [unknownEvent({ ...where, field }, 'unmodelled_field', value, { detail })];
}
