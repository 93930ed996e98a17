import type { MessageState, StatusEvent } from '@wahooks/status-domain';

import type { MessageRow } from './message-query.repository';

const iso = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString());

function eventAt(e: StatusEvent): string | null {
  return e.status === 'accepted' ? iso(e.atMs) : e.timestamp === undefined ? null : new Date(e.timestamp * 1000).toISOString();
}

/** The API's view of one message: current state, the time of each step, and the whole timeline. */
export function messageView(row: MessageRow, withTimeline: boolean) {
  const s: MessageState = row.state;
  return {
    tenantId: row.tenant_id,
    wamid: row.wamid,
    internalMessageId: row.internal_message_id,
    status: row.current_status,
    stalled: row.stalled_reason,
    recipient: s.recipient,
    phoneNumberId: s.phoneNumberId ?? null,
    template: s.template ?? null,
    steps: Object.fromEntries(Object.entries(s.stepTimesMs).map(([k, v]) => [k, iso(v ?? undefined)])),
    impliedSteps: s.impliedSteps,
    pricing: s.pricing ?? null,
    errors: s.errors,
    anomalies: s.anomalies,
    conversions: (s.conversions ?? []).map((c) => ({
      eventId: c.eventId,
      kind: c.kind,
      eventName: c.eventName,
      atMs: c.atMs ?? null,
      at: iso(c.atMs),
      ctwaClid: c.ctwaClid ?? null,
      currency: c.currency ?? null,
      value: c.value ?? null,
      amount: c.value === undefined ? null : c.value / 1000,
    })),
    ...(withTimeline
      ? {
          timeline: s.timeline.map((e) => ({ ...e, at: eventAt(e) })),
          arrivalOrder: [...s.timeline].sort((a, b) => a.arrivalSeq - b.arrivalSeq).map((e) => e.eventId),
        }
      : {}),
  };
}
