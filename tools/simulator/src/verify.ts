import { getJson, sleep } from './http';
import type { Credentials, Oracle, OracleMessage } from './plan.types';

export interface VerifyOptions {
  statusProjectorUrl: string;
  fallbackTriggerUrl: string;
  templateMonitorUrl: string;
  /** Expected SMS status of every fallback (`sent` once a provider answers), or `any`. */
  smsStatus: string;
  /** Keep re-reading until there is no difference or this much time passed (the pipeline is eventually consistent). */
  waitMs: number;
  log: (line: string) => void;
}

export interface Difference {
  service: 'status-projector' | 'fallback-trigger' | 'template-monitor';
  tenantId: string;
  subject: string;
  field: string;
  expected: unknown;
  actual: unknown;
}

export interface VerifyReport {
  ok: boolean;
  differences: Difference[];
  checked: { messages: number; fallbacks: number; templates: number };
  rounds: number;
  elapsedMs: number;
}

interface MessageItem { wamid: string; internalMessageId: string | null; status: string; errors: Array<{ code?: number }> }
interface FallbackItem { wamid: string; errorCode: number | null; action: string | null; sms: { status: string | null; to: string } | null }
interface TemplateItem { wabaId: string; name: string; language: string; status: string | null }

/** Reads every page of a keyset-paginated list. */
async function readAll<T>(base: string, path: string, apiKey: string, diffs: Difference[], service: Difference['service'], tenantId: string): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | null = null;
  do {
    const url: string = `${base}${path}${path.includes('?') ? '&' : '?'}limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const r = await getJson<{ items: T[]; nextCursor?: string | null }>(url, { 'x-api-key': apiKey });
    if (r.status !== 200 || !r.body) {
      diffs.push({ service, tenantId, subject: path, field: 'http', expected: 200, actual: r.error ?? r.status });
      return out;
    }
    out.push(...r.body.items);
    cursor = r.body.nextCursor ?? null;
  } while (cursor);
  return out;
}

/** One comparison of the running system with the oracle, through the read APIs only. */
export async function compareOnce(oracle: Oracle, creds: Credentials, o: VerifyOptions): Promise<VerifyReport> {
  const diffs: Difference[] = [];
  const keys = new Map(creds.tenants.map((t) => [t.id, t.apiKey]));
  let fallbacks = 0;
  for (const tenantId of oracle.tenants) {
    const apiKey = keys.get(tenantId);
    if (!apiKey) {
      diffs.push({ service: 'status-projector', tenantId, subject: tenantId, field: 'apiKey', expected: 'a provisioned key', actual: 'none in credentials.json' });
      continue;
    }
    const expected = oracle.messages.filter((m) => m.tenantId === tenantId);

    const messages = new Map((await readAll<MessageItem>(o.statusProjectorUrl, '/v1/messages', apiKey, diffs, 'status-projector', tenantId)).map((m) => [m.wamid, m]));
    for (const m of expected) {
      const d = (field: string, exp: unknown, act: unknown) => diffs.push({ service: 'status-projector', tenantId, subject: m.wamid, field, expected: exp, actual: act });
      const got = messages.get(m.wamid);
      messages.delete(m.wamid);
      if (!got) {
        d('message', m.status, 'missing');
        continue;
      }
      if (got.status !== m.status) d('status', m.status, got.status);
      if (got.internalMessageId !== m.internalMessageId) d('internalMessageId', m.internalMessageId, got.internalMessageId);
      const codes = [...new Set(got.errors.map((e) => e.code))].sort();
      if (JSON.stringify(codes) !== JSON.stringify([...m.errorCodes].sort())) d('errorCodes', m.errorCodes, codes);
    }
    for (const extra of messages.values()) diffs.push({ service: 'status-projector', tenantId, subject: extra.wamid, field: 'message', expected: 'absent', actual: extra.status });

    const decided = new Map((await readAll<FallbackItem>(o.fallbackTriggerUrl, '/v1/fallbacks', apiKey, diffs, 'fallback-trigger', tenantId)).map((f) => [f.wamid, f]));
    const sms = new Set(oracle.smsFallbacks.filter((s) => s.tenantId === tenantId).map((s) => s.wamid));
    for (const m of expected.filter((x): x is OracleMessage & { fallbackAction: string } => x.fallbackAction !== null)) {
      fallbacks++;
      const d = (field: string, exp: unknown, act: unknown) => diffs.push({ service: 'fallback-trigger', tenantId, subject: m.wamid, field, expected: exp, actual: act });
      const got = decided.get(m.wamid);
      decided.delete(m.wamid);
      if (!got) {
        d('decision', m.fallbackAction, 'missing');
        continue;
      }
      if (got.action !== m.fallbackAction) d('action', m.fallbackAction, got.action);
      if (got.errorCode !== (m.errorCodes[0] ?? null)) d('errorCode', m.errorCodes[0] ?? null, got.errorCode);
      if (sms.has(m.wamid)) {
        if (!got.sms) d('sms', 'requested', null);
        else {
          if (got.sms.to !== m.recipient) d('sms.to', m.recipient, got.sms.to);
          if (o.smsStatus !== 'any' && got.sms.status !== o.smsStatus) d('sms.status', o.smsStatus, got.sms.status);
        }
      } else if (got.sms) d('sms', null, got.sms.status);
    }
    for (const extra of decided.values()) diffs.push({ service: 'fallback-trigger', tenantId, subject: extra.wamid, field: 'decision', expected: 'absent', actual: extra.action });

    const r = await getJson<{ items: TemplateItem[] }>(`${o.templateMonitorUrl}/v1/templates?limit=1000`, { 'x-api-key': apiKey });
    if (r.status !== 200 || !r.body) {
      diffs.push({ service: 'template-monitor', tenantId, subject: '/v1/templates', field: 'http', expected: 200, actual: r.error ?? r.status });
      continue;
    }
    const templates = new Map(r.body.items.map((t) => [`${t.wabaId}|${t.name}|${t.language}`, t]));
    for (const t of oracle.templates.filter((x) => x.tenantId === tenantId)) {
      const key = `${t.wabaId}|${t.name}|${t.language}`;
      const got = templates.get(key);
      templates.delete(key);
      if (!got) diffs.push({ service: 'template-monitor', tenantId, subject: key, field: 'template', expected: t.status, actual: 'missing' });
      else if (got.status !== t.status) diffs.push({ service: 'template-monitor', tenantId, subject: key, field: 'status', expected: t.status, actual: got.status });
    }
    for (const [key, extra] of templates) diffs.push({ service: 'template-monitor', tenantId, subject: key, field: 'template', expected: 'absent', actual: extra.status });
  }
  return { ok: diffs.length === 0, differences: diffs, checked: { messages: oracle.messages.length, fallbacks, templates: oracle.templates.length }, rounds: 1, elapsedMs: 0 };
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
