import { SUBSCRIBABLE_FIELDS, SubscribableField, UNMODELLED_FIELDS } from './fields';
import type { MetaEventKind } from './meta-event.types';
import { inbound, messagingValue, normalizeChange } from './testing/envelope-builders';

/**
 * A minimal valid value of every subscribable field and the kind it must
 * yield. Typed as a Record over `SubscribableField`, so a field added to the
 * list without an example here does not compile.
 */
type Example = { readonly value: unknown; readonly kind: MetaEventKind };

const group = (kind: MetaEventKind, type: string): Example => ({
  value: messagingValue({ groups: [{ group_id: 'g', type, timestamp: '1' }] }),
  kind,
});

const MINIMAL: Readonly<Record<SubscribableField, Example>> = {
  account_alerts: {
    value: { entity_type: 'BUSINESS', entity_id: '1', alert_info: { alert_type: 'OBA_APPROVED' } },
    kind: 'account.alert',
  },
  account_review_update: { value: { decision: 'APPROVED' }, kind: 'account.review' },
  account_update: { value: { event: 'ACCOUNT_DELETED' }, kind: 'account.update' },
  automatic_events: {
    value: messagingValue({ automatic_events: [{ id: 'wamid.1', event_name: 'LeadSubmitted', timestamp: 1749069089 }] }),
    kind: 'ad.conversion',
  },
  business_capability_update: { value: { max_daily_conversations_per_business: 'TIER_2K' }, kind: 'business.capability' },
  calls: { value: messagingValue({ calls: [{ id: 'wacid.1', event: 'connect', timestamp: '1' }] }), kind: 'calls' },
  flows: {
    value: { event: 'FLOW_STATUS_CHANGE', flow_id: '1', old_status: 'DRAFT', new_status: 'PUBLISHED' },
    kind: 'flow.update',
  },
  group_lifecycle_update: group('group.lifecycle', 'group_create'),
  group_participants_update: group('group.participants', 'group_participants_add'),
  group_settings_update: group('group.settings', 'group_settings_update'),
  group_status_update: group('group.status', 'group_suspend'),
  history: {
    value: messagingValue({ history: [{ metadata: { phase: 0, chunk_order: 1, progress: 10 }, threads: [] }] }),
    kind: 'history',
  },
  message_echoes: {
    // The App Dashboard's sample for this field, as pasted into public integrations.
    value: messagingValue({
      message_echoes: [
        {
          from: '16505551111',
          to: '16315551181',
          id: 'ABGGFlA5Fpa',
          timestamp: '1504902988',
          type: 'text',
          text: { body: 'this is a text message' },
        },
      ],
    }),
    kind: 'message.echo',
  },
  message_template_components_update: {
    value: { message_template_id: 1, message_template_title: 'Hi' },
    kind: 'template.components',
  },
  message_template_quality_update: { value: { message_template_id: 1, new_quality_score: 'GREEN' }, kind: 'template.quality' },
  message_template_status_update: { value: { message_template_id: 1, event: 'APPROVED' }, kind: 'template.status' },
  messages: { value: messagingValue({ messages: [inbound('text', { body: 'hi' })] }), kind: 'message.inbound' },
  partner_solutions: {
    value: { event: 'SOLUTION_CREATED', solution_id: '1', solution_status: 'DRAFT' },
    kind: 'partner.solution',
  },
  payment_configuration_update: {
    value: { configuration_name: 'c', provider_name: 'razorpay', status: 'Active' },
    kind: 'payment.configuration',
  },
  phone_number_name_update: {
    value: { decision: 'APPROVED', requested_verified_name: 'Lucky Shrub' },
    kind: 'phone_number.name',
  },
  phone_number_quality_update: {
    value: { event: 'ONBOARDING', max_daily_conversations_per_business: 'TIER_250' },
    kind: 'phone_number.quality',
  },
  security: { value: { event: 'PIN_CHANGED' }, kind: 'security' },
  smb_app_state_sync: {
    value: messagingValue({
      state_sync: [{ type: 'contact', contact: { phone_number: '1' }, action: 'add', metadata: { timestamp: '1' } }],
    }),
    kind: 'contact.sync',
  },
  smb_message_echoes: {
    value: messagingValue({
      message_echoes: [{ from: '1', to: '2', id: 'wamid.e', timestamp: '1', type: 'text', text: { body: 'b' } }],
    }),
    kind: 'message.echo',
  },
  template_category_update: {
    value: { message_template_id: 1, previous_category: 'UTILITY', new_category: 'MARKETING' },
    kind: 'template.category',
  },
  tracking_events: {
    value: messagingValue({ user_actions: [{ action_type: 'marketing_messages_link_click', timestamp: '1' }] }),
    kind: 'marketing.user_action',
  },
  user_preferences: {
    value: messagingValue({ user_preferences: [{ wa_id: '1', category: 'marketing_messages', value: 'stop', timestamp: 1 }] }),
    kind: 'user_preferences',
  },
};

describe('SUBSCRIBABLE_FIELDS', () => {
  it('is sorted and free of duplicates', () => {
    expect([...SUBSCRIBABLE_FIELDS]).toEqual([...new Set(SUBSCRIBABLE_FIELDS)].sort());
  });

  it.each(SUBSCRIBABLE_FIELDS.map((field) => [field]))('%s is handled by a typed handler', (field) => {
    const { value, kind } = MINIMAL[field];
    const events = normalizeChange(field, value, { time: 1739321024 });
    expect(events.map((event) => event.kind)).toEqual([kind]);
    expect(events[0]?.field).toBe(field);
  });

  it('shares no field with UNMODELLED_FIELDS, whose fields stay unmodelled_field', () => {
    const subscribable: readonly string[] = SUBSCRIBABLE_FIELDS;
    expect(UNMODELLED_FIELDS.filter((field) => subscribable.includes(field))).toEqual([]);
    for (const field of UNMODELLED_FIELDS) {
      expect(normalizeChange(field, { any: 'thing' })).toMatchObject([
        { kind: 'unknown', reason: 'unmodelled_field', detail: `${field} is not modelled` },
      ]);
    }
  });

  it('gives the same echo on message_echoes and smb_message_echoes one key', () => {
    const echo = { from: '1', to: '2', id: 'wamid.same', timestamp: '1', type: 'text', text: { body: 'b' } };
    const [a] = normalizeChange('message_echoes', messagingValue({ message_echoes: [echo] }));
    const [b] = normalizeChange('smb_message_echoes', messagingValue({ message_echoes: [echo] }));
    expect(a?.idempotencyKey).toBe(b?.idempotencyKey);
  });
});
