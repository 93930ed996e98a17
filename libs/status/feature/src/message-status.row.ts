import type { MessageState, TrackedStatus } from '@wahooks/status-domain';

export type StallReason = 'not-sent' | 'not-delivered';

export interface StallMark {
  reason: StallReason;
  position: string;
}

/** One projected message: the domain state plus the stall marks it received. */
export interface ProjectedMessage {
  tenantId: string;
  wamid: string;
  state: MessageState;
  stalls: StallMark[];
  lastPosition: bigint;
}

const STEP_COLUMNS: Array<[TrackedStatus, string]> = [
  ['accepted', 'accepted_at'],
  ['sent', 'sent_at'],
  ['delivered', 'delivered_at'],
  ['read', 'read_at'],
  ['played', 'played_at'],
  ['failed', 'failed_at'],
];

/** A stall still applies while the message has not moved past the step it stalled on. */
export function activeStall(state: MessageState, stalls: StallMark[]): StallReason | null {
  for (let i = stalls.length - 1; i >= 0; i--) {
    const s = stalls[i];
    if (s?.reason === 'not-sent' && state.current === 'accepted') return s.reason;
    if (s?.reason === 'not-delivered' && state.current === 'sent') return s.reason;
  }
  return null;
}

const iso = (ms: number | undefined): string | null => (ms === undefined ? null : new Date(ms).toISOString());

/** The queryable columns, all derived from the state: a rebuild reproduces them exactly. */
export function toColumns(m: ProjectedMessage): Record<string, unknown> {
  const s = m.state;
  const stepTimes = Object.fromEntries(STEP_COLUMNS.map(([status, col]) => [col, iso(s.stepTimesMs[status])]));
  const known = Object.values(s.stepTimesMs).filter((t): t is number => t !== undefined);
  return {
    tenant_id: m.tenantId,
    wamid: m.wamid,
    internal_message_id: s.internalMessageId ?? null,
    phone_number_id: s.phoneNumberId ?? null,
    current_status: s.current ?? null,
    recipient: s.recipient.to ?? s.recipient.id ?? s.recipient.userId ?? null,
    template_name: s.template?.name ?? null,
    template_language: s.template?.language ?? null,
    ...stepTimes,
    first_seen_at: known.length ? iso(Math.min(...known)) : null,
    last_event_at: known.length ? iso(Math.max(...known)) : null,
    error_codes: [...new Set(s.errors.map((e) => e.code).filter((c): c is number => typeof c === 'number'))],
    pricing_category: s.pricing?.category ?? null,
    pricing_type: s.pricing?.type ?? null,
    anomaly_count: s.anomalies.length,
    stalled_reason: activeStall(s, m.stalls),
    state: s,
    stalls: m.stalls,
    last_position: m.lastPosition.toString(),
  };
}
