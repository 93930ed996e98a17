import { Injectable } from '@nestjs/common';

import type { EventStoreTx } from '@wahooks/event-store';
import type { AccountState, PhoneState, TemplateState } from '@wahooks/template-domain';

export interface TemplateRow {
  tenantId: string;
  templateKey: string;
  wabaId: string;
  name: string;
  language: string;
  state: TemplateState;
  lastPosition: bigint;
}

export type HealthKind = 'phone' | 'account';

export interface HealthRow {
  tenantId: string;
  kind: HealthKind;
  wabaId: string;
  /** The display number for phones, '' for the account. */
  subject: string;
  state: PhoneState | AccountState;
  lastPosition: bigint;
}

const TEMPLATE_COLUMNS = `tenant_id text, template_key text, waba_id text, name text, language text, template_id text, status text,
  quality text, category text, pause_ends_at timestamptz, last_event_at timestamptz, state jsonb, last_position bigint`;
const TEMPLATE_NAMES = TEMPLATE_COLUMNS.split(',').map((c) => c.trim().split(/\s+/)[0] as string);

const iso = (ms: number | undefined): string | null => (ms === undefined ? null : new Date(ms).toISOString());

/** The queryable columns, all derived from the state: a rebuild reproduces them exactly. */
function templateColumns(r: TemplateRow): Record<string, unknown> {
  const s = r.state;
  const latestId = [...s.history].reverse().find((e) => e.templateId !== undefined)?.templateId;
  return {
    tenant_id: r.tenantId,
    template_key: r.templateKey,
    waba_id: r.wabaId,
    name: r.name,
    language: r.language,
    template_id: latestId ?? null,
    status: s.status ?? null,
    quality: s.quality?.score ?? null,
    category: s.category ?? null,
    pause_ends_at: iso(s.pause?.endsAtMs),
    last_event_at: iso(s.lastEventAtMs),
    state: s,
    last_position: r.lastPosition.toString(),
  };
}

/** The monitor's projections (`template_states`, `waba_health`), written in the consumer's transaction. */
@Injectable()
export class MonitorStateRepository {
  async loadTemplates(tx: EventStoreTx, tenantId: string, keys: string[]): Promise<Map<string, TemplateRow>> {
    const rows = await tx.$queryRawUnsafe<Array<{ template_key: string; waba_id: string; name: string; language: string; state: TemplateState; last_position: string | bigint }>>(
      `SELECT template_key, waba_id, name, language, state, last_position FROM template_states WHERE tenant_id = $1 AND template_key = ANY($2::text[])`,
      tenantId,
      keys,
    );
    return new Map(rows.map((r) => [r.template_key, { tenantId, templateKey: r.template_key, wabaId: r.waba_id, name: r.name, language: r.language, state: r.state, lastPosition: BigInt(r.last_position) }]));
  }

  async upsertTemplates(tx: EventStoreTx, rows: TemplateRow[]): Promise<void> {
    if (rows.length === 0) return;
    const updates = TEMPLATE_NAMES.filter((n) => n !== 'tenant_id' && n !== 'template_key').map((n) => `${n} = EXCLUDED.${n}`);
    await tx.$executeRawUnsafe(
      `INSERT INTO template_states (${TEMPLATE_NAMES.join(', ')}, updated_at)
       SELECT ${TEMPLATE_NAMES.join(', ')}, now() FROM jsonb_to_recordset($1::jsonb) AS r(${TEMPLATE_COLUMNS})
       ON CONFLICT (tenant_id, template_key) DO UPDATE SET ${updates.join(', ')}, updated_at = now()`,
      JSON.stringify(rows.map(templateColumns)),
    );
  }

  /** Health rows of one tenant, keyed `kind|waba|subject`. */
  async loadHealth(tx: EventStoreTx, tenantId: string, keys: Array<{ kind: HealthKind; wabaId: string; subject: string }>): Promise<Map<string, HealthRow>> {
    if (keys.length === 0) return new Map();
    const rows = await tx.$queryRawUnsafe<Array<{ kind: HealthKind; waba_id: string; subject: string; state: PhoneState | AccountState; last_position: string | bigint }>>(
      `SELECT h.kind, h.waba_id, h.subject, h.state, h.last_position FROM waba_health h
       JOIN jsonb_to_recordset($2::jsonb) AS k(kind text, "wabaId" text, subject text) ON h.kind = k.kind AND h.waba_id = k."wabaId" AND h.subject = k.subject
       WHERE h.tenant_id = $1`,
      tenantId,
      JSON.stringify(keys),
    );
    return new Map(rows.map((r) => [healthKey(r.kind, r.waba_id, r.subject), { tenantId, kind: r.kind, wabaId: r.waba_id, subject: r.subject, state: r.state, lastPosition: BigInt(r.last_position) }]));
  }

  async upsertHealth(tx: EventStoreTx, rows: HealthRow[]): Promise<void> {
    if (rows.length === 0) return;
    await tx.$executeRawUnsafe(
      `INSERT INTO waba_health (tenant_id, kind, waba_id, subject, state, last_position, updated_at)
       SELECT tenant_id, kind, waba_id, subject, state, last_position, now()
       FROM jsonb_to_recordset($1::jsonb) AS r(tenant_id text, kind text, waba_id text, subject text, state jsonb, last_position bigint)
       ON CONFLICT (tenant_id, kind, waba_id, subject) DO UPDATE SET state = EXCLUDED.state, last_position = EXCLUDED.last_position, updated_at = now()`,
      JSON.stringify(rows.map((r) => ({ tenant_id: r.tenantId, kind: r.kind, waba_id: r.wabaId, subject: r.subject, state: r.state, last_position: r.lastPosition.toString() }))),
    );
  }

  /** For rebuilds: forget the projections (the event store keeps every fact). */
  async truncate(tx: EventStoreTx): Promise<void> {
    await tx.$executeRawUnsafe('TRUNCATE template_states, waba_health');
  }
}

export const healthKey = (kind: HealthKind, wabaId: string, subject: string): string => `${kind}|${wabaId}|${subject}`;
