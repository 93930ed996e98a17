import { sleep } from './http';
import type { Credentials, Oracle, OracleMessage } from './plan.types';
import { Diffs, Difference, ReadApi, Service } from './read-api';
import { verifyAccounts } from './verify-accounts';
import { verifyInbound } from './verify-inbound';

export type { Difference } from './read-api';

export interface VerifyOptions {
  statusProjectorUrl: string;
  fallbackTriggerUrl: string;
  templateMonitorUrl: string;
  inboundReplyUrl: string;
  /** Expected SMS status of every fallback (`sent` once a provider answers), or `any`. */
  smsStatus: string;
  /** Keep re-reading until there is no difference or this much time passed (the pipeline is eventually consistent). */
  waitMs: number;
  log: (line: string) => void;
  /**
   * Inbound messages read from their conversations' pages only: no GET per
   * message and no stored media bytes (a cheaper comparison for polling;
   * without it, both are read as well).
   */
  quick?: boolean;
  /** Compare only these parts (a tenant's data in one service); all when absent. */
  only?: (tenantId: string, service: Service) => boolean;
}

export interface Checked {
  messages: number;
  fallbacks: number;
  templates: number;
  inbound: number;
  conversations: number;
  contacts: number;
  media: number;
  phoneNumbers: number;
  accounts: number;
}

export interface VerifyReport {
  ok: boolean;
  differences: Difference[];
  checked: Checked;
  rounds: number;
  elapsedMs: number;
}

interface MessageItem { wamid: string; internalMessageId: string | null; status: string; errors: Array<{ code?: number }> }
interface FallbackItem { wamid: string; errorCode: number | null; action: string | null; sms: { status: string | null; to: string } | null }
interface TemplateItem { wabaId: string; name: string; language: string; status: string | null }

/** One comparison of the running system with the oracle, through the read APIs only. */
export async function compareOnce(oracle: Oracle, creds: Credentials, o: VerifyOptions): Promise<VerifyReport> {
  const diffs = new Diffs();
  const keys = new Map(creds.tenants.map((t) => [t.id, t.apiKey]));
  const checked: Checked = { messages: oracle.messages.length, fallbacks: 0, templates: oracle.templates.length, inbound: 0, conversations: 0, contacts: 0, media: 0, phoneNumbers: 0, accounts: 0 };
  for (const tenantId of oracle.tenants) {
    const apiKey = keys.get(tenantId);
    if (!apiKey) {
      diffs.add('status-projector', tenantId, tenantId, 'apiKey', 'a provisioned key', 'none in credentials.json');
      continue;
    }
    const api = (base: string, service: Difference['service']) => new ReadApi(base, service, tenantId, apiKey, diffs);
    const wanted = (service: Service): boolean => !o.only || o.only(tenantId, service);
    if (wanted('status-projector')) await verifyMessages(oracle, api(o.statusProjectorUrl, 'status-projector'), diffs);
    if (wanted('fallback-trigger')) checked.fallbacks += await verifyFallbacks(oracle, api(o.fallbackTriggerUrl, 'fallback-trigger'), diffs, o.smsStatus);
    if (wanted('template-monitor')) {
      const monitor = api(o.templateMonitorUrl, 'template-monitor');
      await verifyTemplates(oracle, monitor, diffs);
      const accounts = await verifyAccounts(oracle, monitor, diffs);
      checked.phoneNumbers += accounts.phoneNumbers;
      checked.accounts += accounts.accounts;
    }
    if (wanted('inbound-reply')) {
      const inbound = await verifyInbound(oracle, api(o.inboundReplyUrl, 'inbound-reply'), diffs, o.quick ?? false);
      checked.inbound += inbound.messages;
      checked.conversations += inbound.conversations;
      checked.contacts += inbound.contacts;
      checked.media += inbound.media;
    }
  }
  return { ok: diffs.list.length === 0, differences: diffs.list, checked, rounds: 1, elapsedMs: 0 };
}

/** `GET /v1/messages`: every oracle message with its status, internal id and error codes; no other. */
async function verifyMessages(oracle: Oracle, api: ReadApi, diffs: Diffs): Promise<void> {
  const t = api.tenantId;
  const messages = new Map((await api.all<MessageItem>('/v1/messages')).map((m) => [m.wamid, m]));
  for (const m of oracle.messages.filter((x) => x.tenantId === t)) {
    const got = messages.get(m.wamid);
    messages.delete(m.wamid);
    if (!got) {
      diffs.add(api.service, t, m.wamid, 'message', m.status, 'missing');
      continue;
    }
    diffs.check(api.service, t, m.wamid, 'status', m.status, got.status);
    diffs.check(api.service, t, m.wamid, 'internalMessageId', m.internalMessageId, got.internalMessageId);
    diffs.check(api.service, t, m.wamid, 'errorCodes', [...m.errorCodes].sort(), [...new Set(got.errors.map((e) => e.code))].sort());
  }
  for (const extra of messages.values()) diffs.add(api.service, t, extra.wamid, 'message', 'absent', extra.status);
}

/** `GET /v1/fallbacks`: every failed message decided, an SMS for exactly the expected ones; no other decision. */
async function verifyFallbacks(oracle: Oracle, api: ReadApi, diffs: Diffs, smsStatus: string): Promise<number> {
  const t = api.tenantId;
  const decided = new Map((await api.all<FallbackItem>('/v1/fallbacks')).map((f) => [f.wamid, f]));
  const sms = new Set(oracle.smsFallbacks.filter((s) => s.tenantId === t).map((s) => s.wamid));
  const expected = oracle.messages.filter((x): x is OracleMessage & { fallbackAction: string } => x.tenantId === t && x.fallbackAction !== null);
  for (const m of expected) {
    const d = (field: string, exp: unknown, act: unknown) => diffs.add(api.service, t, m.wamid, field, exp, act);
    const got = decided.get(m.wamid);
    decided.delete(m.wamid);
    if (!got) {
      d('decision', m.fallbackAction, 'missing');
      continue;
    }
    diffs.check(api.service, t, m.wamid, 'action', m.fallbackAction, got.action);
    diffs.check(api.service, t, m.wamid, 'errorCode', m.errorCodes[0] ?? null, got.errorCode);
    if (sms.has(m.wamid)) {
      if (!got.sms) d('sms', 'requested', null);
      else {
        diffs.check(api.service, t, m.wamid, 'sms.to', m.recipient, got.sms.to);
        if (smsStatus !== 'any') diffs.check(api.service, t, m.wamid, 'sms.status', smsStatus, got.sms.status);
      }
    } else if (got.sms) d('sms', null, got.sms.status);
  }
  for (const extra of decided.values()) diffs.add(api.service, t, extra.wamid, 'decision', 'absent', extra.action);
  return expected.length;
}

/** `GET /v1/templates`: every template with its status; no other. */
async function verifyTemplates(oracle: Oracle, api: ReadApi, diffs: Diffs): Promise<void> {
  const t = api.tenantId;
  const r = await api.get<{ items: TemplateItem[] }>('/v1/templates?limit=1000');
  if (!r) {
    if (r === null) diffs.add(api.service, t, '/v1/templates', 'http', 200, 404);
    return;
  }
  const templates = new Map(r.items.map((x) => [`${x.wabaId}|${x.name}|${x.language}`, x]));
  for (const x of oracle.templates.filter((y) => y.tenantId === t)) {
    const key = `${x.wabaId}|${x.name}|${x.language}`;
    const got = templates.get(key);
    templates.delete(key);
    if (!got) diffs.add(api.service, t, key, 'template', x.status, 'missing');
    else diffs.check(api.service, t, key, 'status', x.status, got.status);
  }
  for (const [key, extra] of templates) diffs.add(api.service, t, key, 'template', 'absent', extra.status);
}

/** Compares until there is no difference or `waitMs` ran out; the last comparison is the verdict. */
export async function verify(oracle: Oracle, creds: Credentials, o: VerifyOptions): Promise<VerifyReport> {
  const start = Date.now();
  for (let round = 1; ; round++) {
    const report = await compareOnce(oracle, creds, o);
    report.rounds = round;
    report.elapsedMs = Date.now() - start;
    if (report.ok || Date.now() - start >= o.waitMs) return report;
    o.log(`verify round ${round}: ${report.differences.length} differences (${summarize(report.differences)}); re-reading`);
    await sleep(Math.min(3000, Math.max(500, o.waitMs - (Date.now() - start))));
  }
}

export function summarize(diffs: Difference[]): string {
  const by = new Map<string, number>();
  for (const d of diffs) by.set(`${d.service}.${d.field}`, (by.get(`${d.service}.${d.field}`) ?? 0) + 1);
  return [...by].map(([k, n]) => `${k}: ${n}`).join(', ') || 'none';
}
