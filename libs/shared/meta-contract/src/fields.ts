/**
 * Every WhatsApp Business Account webhook field Meta documents a payload for,
 * and which this library therefore types (a spec normalises an example of
 * each and checks that none comes out as `unmodelled_field`).
 *
 * Sources (see README): the "Fields" table of Meta's Webhooks reference
 * (https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/overview),
 * plus `calls`, the four Groups API fields and `flows`, documented on their
 * own pages, and `message_echoes` and `tracking_events`, which the App
 * Dashboard offers for subscription.
 */
export const SUBSCRIBABLE_FIELDS = [
  'account_alerts',
  'account_review_update',
  'account_update',
  'automatic_events',
  'business_capability_update',
  'calls',
  'flows',
  'group_lifecycle_update',
  'group_participants_update',
  'group_settings_update',
  'group_status_update',
  'history',
  'message_echoes',
  'message_template_components_update',
  'message_template_quality_update',
  'message_template_status_update',
  'messages',
  'partner_solutions',
  'payment_configuration_update',
  'phone_number_name_update',
  'phone_number_quality_update',
  'security',
  'smb_app_state_sync',
  'smb_message_echoes',
  'template_category_update',
  'tracking_events',
  'user_preferences',
] as const;

export type SubscribableField = (typeof SUBSCRIBABLE_FIELDS)[number];

/**
 * Fields seen subscribed in public integrations (App Dashboard field lists,
 * other SDKs) that have no payload reference this library could verify.
 * They stay `unknown` events with reason `unmodelled_field`, listed so the
 * choice is visible, not accidental.
 */
export const UNMODELLED_FIELDS: readonly string[] = [
  'account_settings_update',
  'business_status_update',
  'business_username_updates',
  'consumer_profile',
  'messaging_handovers',
  'template_correct_category_detection',
  'user_id_update',
];
