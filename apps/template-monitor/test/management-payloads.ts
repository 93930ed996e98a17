import { loadFixtures } from '@wahooks/testing';

export const MANAGEMENT_FIELDS = new Set([
  'message_template_status_update',
  'message_template_quality_update',
  'template_category_update',
  'message_template_components_update',
  'phone_number_quality_update',
  'phone_number_name_update',
  'business_capability_update',
  'account_update',
  'account_alerts',
  'account_review_update',
  'security',
]);

export interface Change {
  wabaId: string;
  time: number;
  field: string;
  value: Record<string, unknown>;
}

/** Every management change of every fixture, read straight from the JSON (not through the code under test). */
export function managementFixtures(): Array<{ name: string; body: Buffer; changes: Change[] }> {
  return loadFixtures()
    .map((f) => {
      const json = JSON.parse(f.body.toString()) as { entry?: Array<{ id: string; time: number; changes?: Array<{ field: string; value: Record<string, unknown> }> }> };
      const changes = (json.entry ?? []).flatMap((e) => (e.changes ?? []).filter((c) => MANAGEMENT_FIELDS.has(c.field)).map((c) => ({ wabaId: e.id, time: e.time, field: c.field, value: c.value })));
      return { ...f, changes };
    })
    .filter((f) => f.changes.length > 0);
}

export function envelope(entries: Array<{ wabaId: string; time: number; field: string; value: object }>): string {
  return JSON.stringify({ object: 'whatsapp_business_account', entry: entries.map((e) => ({ id: e.wabaId, time: e.time, changes: [{ field: e.field, value: e.value }] })) });
}

const lang = (v: unknown) => String(v).replace(/-/g, '_');

/**
 * The test's own oracle for templates: per (WABA, name, language), the latest
 * status and quality by entry time. The quality example Meta mislabels as a
 * status update is recognised by its shape, as the contract says.
 */
export function expectedTemplates(changes: Change[]): Map<string, { wabaId: string; name: string; language: string; status?: string; quality?: string }> {
  const out = new Map<string, { wabaId: string; name: string; language: string; status?: string; statusAt?: number; quality?: string; qualityAt?: number }>();
  for (const c of changes.filter((x) => x.field.includes('template'))) {
    const name = String(c.value['message_template_name']);
    const language = lang(c.value['message_template_language']);
    const key = `${c.wabaId}|${name}|${language}`;
    const cur = out.get(key) ?? { wabaId: c.wabaId, name, language };
    if (typeof c.value['new_quality_score'] === 'string') {
      if (cur.qualityAt === undefined || c.time >= cur.qualityAt) Object.assign(cur, { quality: c.value['new_quality_score'], qualityAt: c.time });
    } else if (typeof c.value['event'] === 'string') {
      if (cur.statusAt === undefined || c.time >= cur.statusAt) Object.assign(cur, { status: c.value['event'], statusAt: c.time });
    }
    out.set(key, cur);
  }
  return out;
}
