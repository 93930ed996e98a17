import { Injectable } from '@nestjs/common';

import type { EventStoreTx } from '@wahooks/event-store';
import type { MessageState } from '@wahooks/status-domain';

import { ProjectedMessage, StallMark, toColumns } from './message-status.row';

const COLUMNS = `tenant_id text, wamid text, internal_message_id text, phone_number_id text, current_status text, recipient text,
  template_name text, template_language text, accepted_at timestamptz, sent_at timestamptz, delivered_at timestamptz,
  read_at timestamptz, played_at timestamptz, failed_at timestamptz, first_seen_at timestamptz, last_event_at timestamptz,
  error_codes integer[], pricing_category text, pricing_type text, anomaly_count integer, stalled_reason text,
  state jsonb, stalls jsonb, last_position bigint`;

const NAMES = COLUMNS.split(',').map((c) => c.trim().split(/\s+/)[0] as string);

/** The status projection (`message_status`), written in the consumer's transaction. */
@Injectable()
export class MessageStatusRepository {
  async load(tx: EventStoreTx, tenantId: string, wamids: string[]): Promise<Map<string, ProjectedMessage>> {
    const rows = await tx.$queryRawUnsafe<Array<{ wamid: string; state: MessageState; stalls: StallMark[]; last_position: string | bigint }>>(
      `SELECT wamid, state, stalls, last_position FROM message_status WHERE tenant_id = $1 AND wamid = ANY($2::text[])`,
      tenantId,
      wamids,
    );
    return new Map(
      rows.map((r) => [r.wamid, { tenantId, wamid: r.wamid, state: withConversions(r.state), stalls: r.stalls, lastPosition: BigInt(r.last_position) }]),
    );
  }

  async upsert(tx: EventStoreTx, messages: ProjectedMessage[]): Promise<void> {
    if (messages.length === 0) return;
    const updates = NAMES.filter((n) => n !== 'tenant_id' && n !== 'wamid').map((n) => `${n} = EXCLUDED.${n}`);
    await tx.$executeRawUnsafe(
      `INSERT INTO message_status (${NAMES.join(', ')}, updated_at)
       SELECT ${NAMES.join(', ')}, now() FROM jsonb_to_recordset($1::jsonb) AS r(${COLUMNS})
       ON CONFLICT (tenant_id, wamid) DO UPDATE SET ${updates.join(', ')}, updated_at = now()`,
      JSON.stringify(messages.map(toColumns)),
    );
  }

  /** For rebuilds: forget the projection (the event store keeps every fact). */
  async truncate(tx: EventStoreTx): Promise<void> {
    await tx.$executeRawUnsafe('TRUNCATE message_status');
  }
}

/** Rows written before conversions existed hold none: the fold needs the (empty) list. */
export function withConversions(state: MessageState): MessageState {
  return (state as Partial<MessageState>).conversions === undefined ? { ...state, conversions: [] } : state;
}
