import { digitsFor, hexFor, wamidFor } from './ids';
import type { InboundUpdate, ManagementUpdate, StatusUpdate, TemplateUpdate } from './meta-payloads';
import type { FinalStatus, GenerateOptions, OracleMessage, OracleSms, OracleTemplate, SimTenant } from './plan.types';
import { Prng } from './prng';

/** A send as the status projector's POST /v1/messages/accepted takes it. */
export interface AcceptedPayload {
  internalMessageId: string;
  wamid: string;
  phoneNumberId: string;
  recipient: string;
  template?: { name: string; language: string };
  request: unknown;
  response: unknown;
  acceptedAt: string;
}

/** One logical update in (Meta-)time order, before reordering and batching. */
export type StreamItem =
  | { tenantId: string; at: number; kind: 'status'; update: StatusUpdate }
  | { tenantId: string; at: number; kind: 'template'; update: TemplateUpdate }
  | { tenantId: string; at: number; kind: 'inbound'; update: InboundUpdate }
  | { tenantId: string; at: number; kind: 'management'; update: ManagementUpdate }
  | { tenantId: string; at: number; kind: 'accepted'; payload: AcceptedPayload };

export interface Scenario {
  tenants: SimTenant[];
  stream: StreamItem[];
  messages: OracleMessage[];
  templates: OracleTemplate[];
  sms: OracleSms[];
}

type Outcome = 'read' | 'delivered' | 'sent' | 'read-no-delivered' | 'failed';

/**
 * Error codes the simulator fails messages with, and the fallback trigger's
 * documented default action for each (docs/fallback-trigger.md), restated by
 * hand as the oracle. 131050 is left out on purpose: it suppresses the
 * recipient and changes later decisions, which an order-free oracle cannot follow.
 */
export const FAILURE_CODES: ReadonlyArray<readonly [number, string, number]> = [
  [131026, 'sms-fallback', 35],
  [131047, 'template-required', 20],
  [130429, 'retry', 15],
  [131000, 'retry', 10],
  [131048, 'alert', 10],
  [131021, 'none', 10],
];

const OUTCOMES: ReadonlyArray<readonly [Outcome, number]> = [
  ['read', 42],
  ['delivered', 18],
  ['sent', 8],
  ['read-no-delivered', 4],
  ['failed', 28],
];

const LANGUAGES = ['en_US', 'pt_BR', 'es', 'de', 'en_GB', 'id'];
const TEMPLATE_NAMES = ['order_update', 'shipping_notice', 'otp_code', 'appointment_reminder', 'payment_due', 'welcome_offer', 'feedback_request', 'account_alert'];
const CATEGORIES = ['utility', 'marketing', 'service', 'authentication'];

export function buildScenario(o: GenerateOptions): Scenario {
  const rng = new Prng(o.seed);
  const tenants: SimTenant[] = [];
  const stream: StreamItem[] = [];
  const messages: OracleMessage[] = [];
  const templates: OracleTemplate[] = [];
  const sms: OracleSms[] = [];
  // Sends spread over this many seconds of Meta time; statuses follow within minutes.
  const span = Math.max(60, o.messages * 2);

  for (let t = 0; t < o.tenants; t++) {
    const id = `${o.runId}-t${t}`;
    const tenant: SimTenant = {
      id,
      secret: `sim-secret-${hexFor(o.runId, `secret-${t}`, 8)}-${rng.hex(24)}`,
      verifyToken: `verify-${rng.hex(12)}`,
      wabaId: digitsFor(o.runId, `waba-${t}`, 15),
      phoneNumberId: digitsFor(o.runId, `phone-${t}`, 15),
      displayPhoneNumber: `1555${rng.digits(7)}`,
    };
    tenants.push(tenant);
    const tenantTemplates = buildTemplates(rng, o, tenant, span, stream, templates);

    for (let m = 0; m < o.messages; m++) {
      const wamid = wamidFor(o.runId, id, m);
      const internalMessageId = `${id}-msg-${m}`;
      const recipient = `${rng.int(1, 9)}${rng.digits(10)}`;
      const sentAt = o.baseTime + Math.floor((m / o.messages) * span) + rng.int(0, 1);
      const template = tenantTemplates.length > 0 && rng.chance(0.6) ? rng.pick(tenantTemplates) : undefined;
      const category = template ? rng.pick(['utility', 'marketing', 'authentication']) : 'service';
      const payload: AcceptedPayload = {
        internalMessageId,
        wamid,
        phoneNumberId: tenant.phoneNumberId,
        recipient,
        ...(template ? { template } : {}),
        request: template
          ? { messaging_product: 'whatsapp', to: recipient, type: 'template', template: { name: template.name, language: { code: template.language } } }
          : { messaging_product: 'whatsapp', to: recipient, type: 'text', text: { body: `Hello #${m}` } },
        response: { messaging_product: 'whatsapp', contacts: [{ input: recipient, wa_id: recipient }], messages: [{ id: wamid }] },
        acceptedAt: new Date(sentAt * 1000).toISOString(),
      };
      stream.push({ tenantId: id, at: sentAt, kind: 'accepted', payload });

      const outcome = rng.weighted(OUTCOMES);
      const base = { type: 'status' as const, wamid, recipient, category, conversationId: hexFor(o.runId, `conv-${id}-${m}`, 32) };
      const push = (status: StatusUpdate['status'], at: number, extra: Partial<StatusUpdate> = {}) =>
        stream.push({ tenantId: id, at, kind: 'status', update: { ...base, status, timestamp: at, ...extra } });
      const sent = sentAt + rng.int(1, 3);
      let status: FinalStatus;
      let errorCodes: number[] = [];
      let fallbackAction: string | null = null;
      if (outcome === 'failed') {
        const [code, action] = rng.weighted(FAILURE_CODES.map(([c, a, w]) => [[c, a] as const, w] as const));
        // Undeliverable recipients often fail without a `sent` first.
        if (code !== 131026 || rng.chance(0.5)) push('sent', sent);
        push('failed', sent + rng.int(1, 30), { errorCodes: [code] });
        status = 'failed';
        errorCodes = [code];
        fallbackAction = action;
        if (action === 'sms-fallback') sms.push({ tenantId: id, wamid, to: recipient });
      } else {
        push('sent', sent);
        const delivered = sent + rng.int(1, 20);
        if (outcome !== 'sent' && outcome !== 'read-no-delivered') push('delivered', delivered);
        if (outcome === 'read' || outcome === 'read-no-delivered') push('read', delivered + rng.int(5, 600));
        status = outcome === 'read-no-delivered' ? 'read' : outcome;
      }
      messages.push({ tenantId: id, wamid, internalMessageId, recipient, status, errorCodes, fallbackAction });
    }
  }
  return { tenants, stream, messages, templates, sms };
}

/**
 * Each template starts APPROVED and walks Meta's quality lifecycle: a first
 * pause, a reinstatement, a second pause, a disable, with distinct
 * `entry.time`s (the monitor orders by them, never by arrival).
 */
function buildTemplates(rng: Prng, o: GenerateOptions, tenant: SimTenant, span: number, stream: StreamItem[], out: OracleTemplate[]): Array<{ name: string; language: string }> {
  const refs: Array<{ name: string; language: string }> = [];
  for (let k = 0; k < o.templates; k++) {
    const name = `${TEMPLATE_NAMES[k % TEMPLATE_NAMES.length]}_${Math.floor(k / TEMPLATE_NAMES.length) + 1}`;
    const language = LANGUAGES[rng.int(0, LANGUAGES.length - 1)] as string;
    const templateId = digitsFor(o.runId, `template-${tenant.id}-${k}`, 15);
    const category = (rng.pick(CATEGORIES) as string).toUpperCase();
    const events = ['APPROVED'];
    const walk = rng.int(0, 4);
    for (let s = 0; s < walk; s++) {
      const last = events[events.length - 1];
      if (last === 'DISABLED') break;
      if (last === 'PAUSED') events.push(rng.chance(0.3) || events.filter((e) => e === 'PAUSED').length >= 2 ? 'DISABLED' : 'REINSTATED');
      else events.push(rng.chance(0.8) ? 'PAUSED' : 'DISABLED');
    }
    let time = o.baseTime + rng.int(0, Math.floor(span / 4));
    let pauses = 0;
    for (const event of events) {
      if (event === 'PAUSED') pauses++;
      // Sometimes Meta writes the language with a hyphen; the monitor normalises it.
      const sentLanguage = language.includes('_') && rng.chance(0.2) ? language.replace('_', '-') : language;
      stream.push({
        tenantId: tenant.id,
        at: time,
        kind: 'template',
        update: { type: 'template', time, templateId, name, language: sentLanguage, event, category, ...(event === 'PAUSED' ? { pauseTitle: pauses === 1 ? 'FIRST_PAUSE' : 'SECOND_PAUSE' } : {}) },
      });
      time += rng.int(1, Math.max(2, Math.floor(span / 4)));
    }
    out.push({ tenantId: tenant.id, wabaId: tenant.wabaId, name, language, status: events[events.length - 1] as string });
    refs.push({ name, language });
  }
  return refs;
}
