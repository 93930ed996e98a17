import type { SimTenant } from './plan.types';

/** One `statuses[]` item, shaped like Meta's Cloud API webhooks (PMP pricing, errors with error_data). */
export interface StatusUpdate {
  type: 'status';
  wamid: string;
  status: 'sent' | 'delivered' | 'read' | 'failed';
  timestamp: number;
  recipient: string;
  category?: string;
  conversationId?: string;
  errorCodes?: number[];
}

export interface TemplateUpdate {
  type: 'template';
  /** Meta's `entry.time` (Unix seconds): the template monitor orders by it. */
  time: number;
  templateId: string;
  name: string;
  /** As sent (Meta uses both `en_US` and `en-US`). */
  language: string;
  event: string;
  category: string;
  pauseTitle?: string;
}

/** One customer message: the wire `messages[]` item and its `contacts[]` entry (none for `system`). */
export interface InboundUpdate {
  type: 'inbound';
  wamid: string;
  message: Record<string, unknown>;
  contact: Record<string, unknown> | null;
}

/** A phone-number or account field (`phone_number_quality_update`, `account_update`…) as Meta sends it. */
export interface ManagementUpdate {
  type: 'management';
  /** Meta's `entry.time`: the monitor orders by it. */
  time: number;
  field: string;
  value: Record<string, unknown>;
}

export type WebhookUpdate = StatusUpdate | TemplateUpdate | InboundUpdate | ManagementUpdate;

const ERROR_TITLES: Record<number, string> = {
  131026: 'Message undeliverable',
  131047: 'Re-engagement message',
  130429: 'Rate limit hit',
  131000: 'Something went wrong',
  131048: 'Spam rate limit hit',
  131021: 'Recipient cannot be sender',
  131049: 'This message was not delivered to maintain healthy ecosystem engagement.',
};

/**
 * Meta signs an escaped-unicode serialisation: non-ASCII characters arrive as
 * `\uXXXX`. Producing the same bytes keeps the simulator honest about what
 * the intake must verify.
 */
export function metaJson(value: unknown): string {
  return JSON.stringify(value).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function statusItem(u: StatusUpdate): Record<string, unknown> {
  const item: Record<string, unknown> = { id: u.wamid, status: u.status, timestamp: String(u.timestamp), recipient_id: u.recipient };
  if (u.category && u.status !== 'failed') {
    if (u.status === 'sent' && u.conversationId) {
      item['conversation'] = { id: u.conversationId, expiration_timestamp: String(u.timestamp + 86_400), origin: { type: u.category } };
    }
    item['pricing'] = { billable: u.category !== 'service', pricing_model: 'PMP', type: u.category === 'service' ? 'free_customer_service' : 'regular', category: u.category };
  }
  if (u.errorCodes) {
    item['errors'] = u.errorCodes.map((code) => ({
      code,
      title: ERROR_TITLES[code] ?? `Error ${code}`,
      message: ERROR_TITLES[code] ?? `Error ${code}`,
      error_data: { details: `${ERROR_TITLES[code] ?? 'Error'} — simulated` },
      href: '/documentation/business-messaging/whatsapp/support/error-codes',
    }));
  }
  return item;
}

function templateValue(u: TemplateUpdate): Record<string, unknown> {
  const value: Record<string, unknown> = {
    event: u.event,
    message_template_id: Number(u.templateId),
    message_template_name: u.name,
    message_template_language: u.language,
    reason: u.event === 'PAUSED' ? 'NONE' : u.event === 'DISABLED' ? 'NONE' : null,
    message_template_category: u.category,
  };
  if (u.event === 'PAUSED') {
    value['other_info'] = { title: u.pauseTitle ?? 'FIRST_PAUSE', description: `Your ${u.name} template has been paused because of low quality — it will resume later.` };
  }
  if (u.event === 'DISABLED') value['disable_info'] = { disable_date: u.time };
  return value;
}

/**
 * A tenant's entries: its statuses in one `messages` change and each inbound
 * message in a change of its own (with its sender in `contacts`, none for
 * `system`), all under one entry; each template and account event in an
 * entry of its own with its `time`.
 */
function entriesOf(tenant: SimTenant, updates: readonly WebhookUpdate[]): unknown[] {
  const metadata = { display_phone_number: tenant.displayPhoneNumber, phone_number_id: tenant.phoneNumberId };
  const statuses = updates.filter((u): u is StatusUpdate => u.type === 'status');
  const changes: unknown[] = [];
  if (statuses.length > 0) changes.push({ value: { messaging_product: 'whatsapp', metadata, statuses: statuses.map(statusItem) }, field: 'messages' });
  for (const u of updates) {
    if (u.type !== 'inbound') continue;
    const value = { messaging_product: 'whatsapp', metadata, ...(u.contact ? { contacts: [u.contact] } : {}), messages: [u.message] };
    changes.push({ value, field: 'messages' });
  }
  const entry: unknown[] = changes.length > 0 ? [{ id: tenant.wabaId, changes }] : [];
  for (const u of updates) {
    if (u.type === 'template') entry.push({ id: tenant.wabaId, time: u.time, changes: [{ value: templateValue(u), field: 'message_template_status_update' }] });
    if (u.type === 'management') entry.push({ id: tenant.wabaId, time: u.time, changes: [{ value: u.value, field: u.field }] });
  }
  return entry;
}

/** One POST body for the tenant's own URL. */
export function webhookBody(tenant: SimTenant, updates: readonly WebhookUpdate[]): string {
  return metaJson({ object: 'whatsapp_business_account', entry: entriesOf(tenant, updates) });
}

/** One POST body for the platform URL: the entries of every tenant in it, tenant after tenant. */
export function platformBody(groups: ReadonlyArray<readonly [SimTenant, readonly WebhookUpdate[]]>): string {
  return metaJson({ object: 'whatsapp_business_account', entry: groups.flatMap(([tenant, updates]) => entriesOf(tenant, updates)) });
}
