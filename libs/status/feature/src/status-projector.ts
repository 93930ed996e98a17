import { Injectable } from '@nestjs/common';

import { ConversionDetectedV1, StatusChangedV1, StatusTopics } from '@wahooks/events-contract';
import type { EventStoreTx, RecordedEvent } from '@wahooks/event-store';
import type { OutboxMessage } from '@wahooks/outbox';
import { decideTransition, evolve, initialState } from '@wahooks/status-domain';

import { activeStall, ProjectedMessage, StallReason } from './message-status.row';
import { MessageStatusRepository } from './message-status.repository';
import { StatusEventTypes, StoredConversion, toConversionEvent, toStatusEvent } from './status-events.mapper';

/**
 * Folds stored events into the `message_status` projection. The same code
 * runs for live batches and for rebuilds; only live runs emit outbox
 * messages. The domain state is a function of the set of events, so the
 * result does not depend on arrival order or batch boundaries.
 */
@Injectable()
export class StatusProjector {
  constructor(private readonly repo: MessageStatusRepository) {}

  async apply(tx: EventStoreTx, events: readonly RecordedEvent[], options: { publish: boolean }): Promise<OutboxMessage[]> {
    const byTenant = new Map<string, RecordedEvent[]>();
    for (const e of events) byTenant.set(e.tenantId, [...(byTenant.get(e.tenantId) ?? []), e]);
    const outbox: OutboxMessage[] = [];
    for (const [tenantId, tenantEvents] of byTenant) {
      const wamids = [...new Set(tenantEvents.map(wamidOf))];
      const loaded = await this.repo.load(tx, tenantId, wamids);
      const touched = new Map<string, ProjectedMessage>();
      for (const e of [...tenantEvents].sort((a, b) => (a.globalPosition < b.globalPosition ? -1 : 1))) {
        const wamid = wamidOf(e);
        const current = touched.get(wamid) ?? loaded.get(wamid) ?? { tenantId, wamid, state: initialState(), stalls: [], lastPosition: 0n };
        const next = step(current, e);
        touched.set(wamid, next);
        if (options.publish) outbox.push(...changes(current, next, e));
      }
      await this.repo.upsert(tx, [...touched.values()]);
    }
    return outbox;
  }
}

function wamidOf(e: RecordedEvent): string {
  const wamid = (e.data as { wamid?: unknown }).wamid ?? e.metadata.wamid;
  if (typeof wamid !== 'string') throw new Error(`event ${e.globalPosition} has no wamid`);
  return wamid;
}

function step(m: ProjectedMessage, e: RecordedEvent): ProjectedMessage {
  const lastPosition = e.globalPosition > m.lastPosition ? e.globalPosition : m.lastPosition;
  if (e.type === StatusEventTypes.stalled) {
    const reason = (e.data as { reason: StallReason }).reason;
    return { ...m, stalls: [...m.stalls, { reason, position: e.globalPosition.toString() }], lastPosition };
  }
  const event = e.type === StatusEventTypes.conversion ? toConversionEvent(e) : toStatusEvent(e);
  return { ...m, state: evolve(m.state, event), lastPosition };
}

/** Outbox messages for what really changed: a status move, a stall raised, or a conversion detected. */
function changes(prev: ProjectedMessage, next: ProjectedMessage, cause: RecordedEvent): OutboxMessage[] {
  const out: OutboxMessage[] = [];
  const conversion = newConversion(prev, next, cause);
  if (conversion) out.push(conversion);
  const t = decideTransition(prev.state, next.state);
  if (t.changed && t.to) {
    const s = next.state;
    const payload: StatusChangedV1 = {
      schemaVersion: 1,
      tenantId: next.tenantId,
      wamid: next.wamid,
      internalMessageId: s.internalMessageId ?? null,
      from: t.from ?? null,
      to: t.to,
      recipient: s.recipient.to ?? s.recipient.id ?? s.recipient.userId ?? null,
      errorCodes: s.errors.map((e) => e.code).filter((c): c is number => typeof c === 'number'),
      causedByPosition: cause.globalPosition.toString(),
      occurredAt: s.stepTimesMs[t.to] !== undefined ? new Date(s.stepTimesMs[t.to] as number).toISOString() : null,
    };
    // `current` only moves up one total order, so each `to` happens once per message.
    out.push({ tenantId: next.tenantId, topic: StatusTopics.statusChanged, key: next.tenantId, payload, idempotencyKey: `status-changed:${next.wamid}:${t.to}` });
  }
  const stall = activeStall(next.state, next.stalls);
  if (stall && stall !== activeStall(prev.state, prev.stalls)) {
    out.push({
      tenantId: next.tenantId,
      topic: StatusTopics.alerts,
      key: next.tenantId,
      payload: { schemaVersion: 1, kind: 'message.stalled', tenantId: next.tenantId, wamid: next.wamid, reason: stall, internalMessageId: next.state.internalMessageId ?? null },
      idempotencyKey: `stalled:${next.wamid}:${stall}`,
    });
  }
  return out;
}

/**
 * A conversion the state did not hold before this event. The store skips
 * repeats of its key, so this is once per conversion; the outbox key says
 * so to consumers should the relay publish twice.
 */
function newConversion(prev: ProjectedMessage, next: ProjectedMessage, cause: RecordedEvent): OutboxMessage | undefined {
  if (cause.type !== StatusEventTypes.conversion || prev.state.conversions.some((c) => c.eventId === cause.idempotencyKey)) return undefined;
  const c = next.state.conversions.find((x) => x.eventId === cause.idempotencyKey);
  if (!c) return undefined;
  const where = cause.data as StoredConversion;
  const payload: ConversionDetectedV1 = {
    schemaVersion: 1,
    tenantId: next.tenantId,
    conversionId: c.eventId,
    wamid: next.wamid,
    internalMessageId: next.state.internalMessageId ?? null,
    wabaId: where.wabaId ?? null,
    phoneNumberId: where.phoneNumberId ?? null,
    kind: c.kind,
    eventName: c.eventName,
    occurredAt: c.atMs !== undefined ? new Date(c.atMs).toISOString() : null,
    ctwaClid: c.ctwaClid ?? null,
    currency: c.currency ?? null,
    value: c.value ?? null,
    amount: c.value !== undefined ? c.value / 1000 : null,
  };
  return { tenantId: next.tenantId, topic: StatusTopics.conversions, key: next.tenantId, payload, idempotencyKey: `conversion:${c.eventId}` };
}
