import { createHash } from 'node:crypto';

import { Injectable } from '@nestjs/common';

import { StatusTopics, TemplateTopics } from '@wahooks/events-contract';
import type { EventStoreTx, RecordedEvent } from '@wahooks/event-store';
import type { OutboxMessage } from '@wahooks/outbox';
import {
  AccountEvent,
  alertsFor,
  evolveTemplate,
  initialTemplateState,
  MonitorEvent,
  PhoneEvent,
  projectAccount,
  projectPhone,
  TemplateEvent,
  TemplateState,
} from '@wahooks/template-domain';

import { fromRecorded, streamOf, Subject } from './monitor-events.mapper';
import { HealthRow, healthKey, MonitorStateRepository, TemplateRow } from './monitor-state.repository';

/** An alert raised by a fact: recorded, published, and delivered to the tenant's URL. */
export interface RaisedAlert {
  tenantId: string;
  /** `<event id>:<kind>`: one alert per fact and kind, whatever Meta repeats. */
  alertKey: string;
  kind: string;
  severity: string;
  occurredAt: string | null;
  payload: Record<string, unknown>;
}

export interface Projected {
  outbox: OutboxMessage[];
  alerts: RaisedAlert[];
}

export const alertIdOf = (tenantId: string, alertKey: string): string => createHash('sha256').update(`${tenantId}\n${alertKey}`).digest('hex').slice(0, 32);

/**
 * Folds stored events into `template_states` and `waba_health`. The same code
 * runs live and in rebuilds; only live runs raise alerts and state changes.
 * States are functions of the set of events (sorted by Meta's time inside
 * the domain), so batch boundaries and arrival order do not matter.
 */
@Injectable()
export class MonitorProjector {
  constructor(private readonly repo: MonitorStateRepository) {}

  async apply(tx: EventStoreTx, events: readonly RecordedEvent[], options: { publish: boolean }): Promise<Projected> {
    const out: Projected = { outbox: [], alerts: [] };
    const byTenant = new Map<string, RecordedEvent[]>();
    for (const e of events) byTenant.set(e.tenantId, [...(byTenant.get(e.tenantId) ?? []), e]);
    for (const [tenantId, list] of byTenant) {
      const facts = [...list].sort((a, b) => (a.globalPosition < b.globalPosition ? -1 : 1)).map((e) => ({ ...fromRecorded(e), position: e.globalPosition }));
      await this.applyTemplates(tx, tenantId, facts, options.publish ? out : undefined);
      await this.applyHealth(tx, tenantId, facts);
      if (options.publish) for (const f of facts) out.alerts.push(...raise(tenantId, f.subject, f.event));
    }
    for (const a of out.alerts) {
      out.outbox.push({ tenantId: a.tenantId, topic: StatusTopics.alerts, key: a.tenantId, payload: a.payload, idempotencyKey: `alert:${a.alertKey}` });
    }
    return out;
  }

  private async applyTemplates(tx: EventStoreTx, tenantId: string, facts: Fact[], out: Projected | undefined): Promise<void> {
    const mine = facts.filter((f): f is Fact & { subject: Extract<Subject, { entity: 'template' }>; event: TemplateEvent } => f.subject.entity === 'template');
    if (mine.length === 0) return;
    const keys = [...new Set(mine.map((f) => streamOf(f.subject)))];
    const loaded = await this.repo.loadTemplates(tx, tenantId, keys);
    const before = new Map([...loaded].map(([k, r]) => [k, summary(r.state)]));
    const touched = new Map<string, TemplateRow & { cause: string }>();
    for (const f of mine) {
      const key = streamOf(f.subject);
      const cur = touched.get(key) ?? loaded.get(key) ?? { tenantId, templateKey: key, wabaId: f.subject.wabaId, name: f.subject.name, language: f.subject.language, state: initialTemplateState(), lastPosition: 0n };
      touched.set(key, { ...cur, state: evolveTemplate(cur.state, f.event), lastPosition: f.position > cur.lastPosition ? f.position : cur.lastPosition, cause: f.event.eventId });
    }
    await this.repo.upsertTemplates(tx, [...touched.values()].map(({ cause: _cause, ...row }) => row));
    if (!out) return;
    for (const [key, row] of touched) {
      const now = summary(row.state);
      if (JSON.stringify(now) === JSON.stringify(before.get(key))) continue;
      out.outbox.push({
        tenantId,
        topic: TemplateTopics.stateChanged,
        key: tenantId,
        payload: { schemaVersion: 1, entity: 'template', tenantId, wabaId: row.wabaId, name: row.name, language: row.language, ...now, causedBy: row.cause },
        // Each new fact applies once, so the fact that ended the batch names the change.
        idempotencyKey: `template-state:${key}:${row.cause}`,
      });
    }
  }

  private async applyHealth(tx: EventStoreTx, tenantId: string, facts: Fact[]): Promise<void> {
    const mine = facts.filter((f) => f.subject.entity !== 'template');
    if (mine.length === 0) return;
    const keyOf = (s: Subject) => (s.entity === 'phone' ? { kind: 'phone' as const, wabaId: s.wabaId, subject: s.displayPhoneNumber } : { kind: 'account' as const, wabaId: s.wabaId, subject: '' });
    const keys = [...new Map(mine.map((f) => { const k = keyOf(f.subject); return [healthKey(k.kind, k.wabaId, k.subject), k]; })).values()];
    const loaded = await this.repo.loadHealth(tx, tenantId, keys);
    const touched = new Map<string, HealthRow>();
    for (const f of mine) {
      const k = keyOf(f.subject);
      const id = healthKey(k.kind, k.wabaId, k.subject);
      const cur = touched.get(id) ?? loaded.get(id);
      const history = [...((cur?.state.history ?? []) as MonitorEvent[]), f.event];
      const state = k.kind === 'phone' ? projectPhone(history as PhoneEvent[]) : projectAccount(history as AccountEvent[]);
      const lastPosition = cur && cur.lastPosition > f.position ? cur.lastPosition : f.position;
      touched.set(id, { tenantId, ...k, state, lastPosition });
    }
    await this.repo.upsertHealth(tx, [...touched.values()]);
  }
}

type Fact = { subject: Subject; event: MonitorEvent; position: bigint };

function summary(s: TemplateState | undefined) {
  return s ? { status: s.status ?? null, quality: s.quality?.score ?? null, category: s.category ?? null, pauseEndsAt: s.pause?.endsAtMs !== undefined ? new Date(s.pause.endsAtMs).toISOString() : null } : undefined;
}

function raise(tenantId: string, subject: Subject, e: MonitorEvent): RaisedAlert[] {
  return alertsFor(e).map((a) => {
    const alertKey = `${e.eventId}:${a.kind}`;
    const occurredAt = e.atMs !== undefined ? new Date(e.atMs).toISOString() : null;
    const about =
      subject.entity === 'template'
        ? { type: 'template', name: subject.name, language: subject.language, templateId: 'templateId' in e ? (e.templateId ?? null) : null }
        : subject.entity === 'phone'
          ? { type: 'phone_number', displayPhoneNumber: subject.displayPhoneNumber }
          : { type: 'account' };
    const payload = { schemaVersion: 1, alertId: alertIdOf(tenantId, alertKey), kind: a.kind, severity: a.severity, tenantId, wabaId: subject.wabaId, subject: about, details: a.details, occurredAt };
    return { tenantId, alertKey, kind: a.kind, severity: a.severity, occurredAt, payload };
  });
}
