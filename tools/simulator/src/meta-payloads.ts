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

export type WebhookUpdate = StatusUpdate | TemplateUpdate;

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

/** One POST body: the tenant's statuses in one `messages` change, each template update in its own entry. */
export function webhookBody(tenant: SimTenant, updates: readonly WebhookUpdate[]): string {
  const statuses = updates.filter((u): u is StatusUpdate => u.type === 'status');
  const templates = updates.filter((u): u is TemplateUpdate => u.type === 'template');
  const entry: unknown[] = [];
  if (statuses.length > 0) {
    entry.push({
      id: tenant.wabaId,
      changes: [
        {
          value: {
            messaging_product: 'whatsapp',
            metadata: { display_phone_number: tenant.displayPhoneNumber, phone_number_id: tenant.phoneNumberId },
            statuses: statuses.map(statusItem),
          },
          field: 'messages',
        },
      ],
    });
  }
  for (const t of templates) entry.push({ id: tenant.wabaId, time: t.time, changes: [{ value: templateValue(t), field: 'message_template_status_update' }] });
  return metaJson({ object: 'whatsapp_business_account', entry });
}
