import { ChangeScope, managementBaseOf, unknownEvent } from './event-base';
import { asArray, asRecord, epochSeconds, idText, isRecord, JsonRecord, metaDate, nonEmpty, text } from './json';
import type { TemplateCategoryUpdate, TemplateRef } from './management-events.types';
import type { MetaEvent } from './meta-event.types';

/**
 * The four template fields, classified by the value's shape before its field
 * name: Meta's own quality-update example is labelled
 * `message_template_status_update`, and the shapes do not overlap.
 */
export function templateEvent(scope: ChangeScope, value: JsonRecord): MetaEvent {
  const newQualityScore = nonEmpty(value['new_quality_score']);
  if (newQualityScore !== undefined) {
    return {
      kind: 'template.quality',
      ...managementBaseOf(scope, value),
      ...templateRef(value),
      previousQualityScore: nonEmpty(value['previous_quality_score']),
      newQualityScore,
    };
  }
  const event = nonEmpty(value['event']);
  if (event !== undefined) return templateStatus(scope, value, event);
  const update = categoryUpdate(value);
  if (update) return { kind: 'template.category', ...managementBaseOf(scope, value), ...templateRef(value), update };
  if (COMPONENT_KEYS.some((key) => Object.hasOwn(value, key))) return templateComponents(scope, value);
  return unknownEvent(scope, 'unrecognised_shape', value, { detail: `no template shape matches field ${scope.field}` });
}

function templateRef(value: JsonRecord): TemplateRef {
  return {
    templateId: idText(value['message_template_id']),
    templateName: text(value['message_template_name']),
    language: text(value['message_template_language']),
  };
}

function templateStatus(scope: ChangeScope, value: JsonRecord, event: string): MetaEvent {
  const otherInfo = asRecord(value['other_info']);
  const rejectionInfo = asRecord(value['rejection_info']);
  return {
    kind: 'template.status',
    ...managementBaseOf(scope, value),
    ...templateRef(value),
    event,
    reason: value['reason'] === null ? null : text(value['reason']),
    category: text(value['message_template_category']),
    otherInfo: otherInfo ? { title: text(otherInfo['title']), description: text(otherInfo['description']) } : undefined,
    rejectionInfo: rejectionInfo
      ? { reason: text(rejectionInfo['reason']), recommendation: text(rejectionInfo['recommendation']) }
      : undefined,
    disableDate: metaDate(asRecord(value['disable_info'])?.['disable_date']),
  };
}

/**
 * `correct_category` marks the impending shape, in which `new_category` is
 * the *current* one (Meta's naming). A value with `new_category` alone is a
 * completed change whose previous category was not reported.
 */
function categoryUpdate(value: JsonRecord): TemplateCategoryUpdate | undefined {
  const correctCategory = nonEmpty(value['correct_category']);
  const newCategory = nonEmpty(value['new_category']);
  const previousCategory = nonEmpty(value['previous_category']);
  if (correctCategory !== undefined) {
    return {
      phase: 'impending',
      currentCategory: newCategory,
      correctCategory,
      effectiveAt: epochSeconds(value['category_update_timestamp']),
    };
  }
  if (newCategory !== undefined || previousCategory !== undefined) return { phase: 'completed', previousCategory, newCategory };
  return undefined;
}

const COMPONENT_KEYS = [
  'message_template_title',
  'message_template_element',
  'message_template_footer',
  'message_template_buttons',
];

function templateComponents(scope: ChangeScope, value: JsonRecord): MetaEvent {
  return {
    kind: 'template.components',
    ...managementBaseOf(scope, value),
    ...templateRef(value),
    title: text(value['message_template_title']),
    element: text(value['message_template_element']),
    footer: text(value['message_template_footer']),
    buttons: asArray(value['message_template_buttons'])
      .filter(isRecord)
      .map((button) => ({
        type: text(button['message_template_button_type']),
        text: text(button['message_template_button_text']),
        url: text(button['message_template_button_url']),
        phoneNumber: text(button['message_template_button_phone_number']),
      })),
  };
}
