import fc from 'fast-check';

import { Envelope, parseWebhookBody } from './envelope';
import type { MetaEvent } from './meta-event.types';
import { normalizeEnvelope } from './normalize';

/**
 * Keys and string values the parsers look for, so generated payloads reach
 * deep into the typed paths instead of bouncing off the first type check.
 */
// prettier-ignore
const VOCABULARY = [
  'id', 'type', 'from', 'to', 'timestamp', 'status', 'event', 'text', 'body', 'image', 'audio', 'voice', 'document', 'sticker',
  'location', 'latitude', 'contacts', 'wa_id', 'user_id', 'profile', 'interactive', 'button_reply', 'nfm_reply', 'response_json',
  'call_permission_reply', 'payment_method', 'button', 'reaction', 'emoji', 'order', 'product_items', 'quantity', 'system',
  'identity', 'edit', 'message', 'revoke', 'unsupported', 'unknown', 'request_welcome', 'media_placeholder', 'context',
  'referral', 'errors', 'error_data', 'code', 'metadata', 'phone_number_id', 'messages', 'statuses', 'calls', 'session',
  'message_echoes', 'history', 'threads', 'history_context', 'user_preferences', 'value', 'groups', 'conversation', 'origin',
  'pricing', 'recipient_type', 'group', 'recipient_participant_id', 'new_quality_score', 'correct_category', 'new_category',
  'previous_category', 'message_template_id', 'message_template_buttons', 'disable_info', 'disable_date', 'other_info',
  'reason', 'current_limit', 'max_daily_conversations_per_business', 'restriction_info', 'ban_info', 'waba_ban_date',
  'alert_info', 'display_phone_number', 'state_sync', 'contact', 'action', 'phone_number', 'full_name', 'user_id',
  'automatic_events', 'event_name', 'ctwa_clid', 'custom_data', 'currency', 'user_actions', 'action_type',
  'marketing_messages_link_click_data', 'click_id', 'solution_id', 'solution_status', 'configuration_name',
  'created_timestamp', 'flow_id', 'new_status', 'threshold', 'constructor', '__proto__', 'toString',
];

// prettier-ignore
const FIELDS = [
  'messages', 'calls', 'smb_message_echoes', 'history', 'user_preferences', 'group_lifecycle_update', 'group_participants_update',
  'group_settings_update', 'group_status_update', 'message_template_status_update', 'message_template_quality_update',
  'template_category_update', 'message_template_components_update', 'account_update', 'account_alerts', 'account_review_update',
  'security', 'phone_number_quality_update', 'phone_number_name_update', 'business_capability_update', 'automatic_events',
  'smb_app_state_sync', 'tracking_events', 'partner_solutions', 'payment_configuration_update', 'flows', 'message_echoes',
  'business_status_update', 'constructor', '__proto__', 'hasOwnProperty',
];

const scalar = fc.oneof(
  fc.constantFrom(...VOCABULARY),
  fc.constantFrom(
    '',
    '1700000000',
    'TIER_2K',
    'TIER_UNLIMITED',
    '{"flow_token":"t"}',
    '{broken',
    'sent',
    'group',
    'January 31, 2021',
    'contact',
    'add',
    'Purchase',
    'LeadSubmitted',
    'marketing_messages_link_click',
    'FLOW_STATUS_CHANGE',
  ),
  fc.string(),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
);

const { json } = fc.letrec<{ json: unknown }>((tie) => ({
  json: fc.oneof(
    { depthSize: 'small' },
    scalar,
    fc.array(tie('json'), { maxLength: 3 }),
    fc.dictionary(fc.constantFrom(...VOCABULARY), tie('json'), { maxKeys: 6 }),
  ),
}));

const change = fc.record({ field: fc.oneof(fc.constantFrom(...FIELDS), json), value: json }, { requiredKeys: [] });
const entry = fc.record(
  { id: fc.oneof(fc.string(), json), time: json, changes: fc.oneof(fc.array(change, { maxLength: 4 }), json) },
  { requiredKeys: [] },
);
const structuredEnvelope = fc.record({ object: json, entry: fc.array(entry, { maxLength: 3 }) }, { requiredKeys: ['entry'] });

/** The same document with every object's keys in reverse order. */
function reverseKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reverseKeys);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .reverse()
      .map(([key, member]) => [key, reverseKeys(member)]),
  );
}

function normalizeText(text: string): MetaEvent[] {
  const parsed = parseWebhookBody(text);
  return parsed.ok ? normalizeEnvelope(parsed.envelope) : [];
}

function assertWellFormed(events: readonly MetaEvent[]): void {
  for (const event of events) {
    if (event.kind === 'unknown') expect(event.reason).not.toBe('normalizer_error');
    expect(event.idempotencyKey).toMatch(/^[0-9a-f]{64}$/);
  }
}

describe('normalizeEnvelope properties', () => {
  it('never throws on any JSON body, and never hits its own error guard', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        assertWellFormed(normalizeText(JSON.stringify(value)));
      }),
    );
  });

  it('never throws on arbitrary objects passed as an envelope without parsing', () => {
    fc.assert(
      fc.property(fc.object(), fc.jsonValue(), (object, entry) => {
        assertWellFormed(normalizeEnvelope(object as unknown as Envelope));
        assertWellFormed(normalizeEnvelope({ ...object, entry } as unknown as Envelope));
      }),
    );
  });

  it('never throws on envelope-shaped payloads that reach every parser', () => {
    fc.assert(
      fc.property(structuredEnvelope, (envelope) => {
        assertWellFormed(normalizeText(JSON.stringify(envelope)));
      }),
      { numRuns: 500 },
    );
  });

  it('derives the same idempotency keys every time, whatever the key order of the JSON', () => {
    fc.assert(
      fc.property(structuredEnvelope, (envelope) => {
        const text = JSON.stringify(envelope);
        const keys = normalizeText(text).map((event) => event.idempotencyKey);
        expect(normalizeText(text).map((event) => event.idempotencyKey)).toEqual(keys);
        expect(normalizeText(JSON.stringify(reverseKeys(JSON.parse(text)))).map((event) => event.idempotencyKey)).toEqual(keys);
      }),
      { numRuns: 300 },
    );
  });

  it('derives keys that do not depend on where an entry sits in the delivery', () => {
    fc.assert(
      fc.property(structuredEnvelope, structuredEnvelope, (first, second) => {
        const alone = normalizeText(JSON.stringify(second)).map((event) => event.idempotencyKey);
        const behind = normalizeText(JSON.stringify({ entry: [...first.entry, ...second.entry] }))
          .filter((event) => event.entryIndex >= first.entry.length)
          .map((event) => event.idempotencyKey);
        expect(behind).toEqual(alone);
      }),
      { numRuns: 200 },
    );
  });
});
