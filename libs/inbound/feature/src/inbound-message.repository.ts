import { Injectable } from '@nestjs/common';

import type { SqlTx } from '@wahooks/prisma';

import type { InboundMessageV1 } from './inbound-message.view';

export interface MessageRow {
  tenantId: string;
  view: InboundMessageV1;
  contextWamid: string | null;
  replyToInternalId: string | null;
  position: bigint;
}

/** `inbound_messages`, and the read-only look-up into the status projector's ledger. */
@Injectable()
export class InboundMessageRepository {
  /** A message is inserted once: its event is appended once. */
  async insert(tx: SqlTx, rows: MessageRow[]): Promise<void> {
    if (rows.length === 0) return;
    await tx.$executeRawUnsafe(
      `INSERT INTO inbound_messages (tenant_id, wamid, conversation_id, contact_id, phone_number_id, content_type, sent_at,
         context_wamid, reply_to_internal_id, message, position)
       SELECT tenant_id, wamid, conversation_id, contact_id, phone_number_id, content_type, sent_at, context_wamid, reply_to_internal_id, message, position
       FROM jsonb_to_recordset($1::jsonb) AS r(tenant_id text, wamid text, conversation_id text, contact_id text, phone_number_id text,
         content_type text, sent_at timestamptz, context_wamid text, reply_to_internal_id text, message jsonb, position bigint)
       ON CONFLICT (tenant_id, wamid) DO NOTHING`,
      JSON.stringify(
        rows.map((r) => ({
          tenant_id: r.tenantId,
          wamid: r.view.wamid,
          conversation_id: r.view.conversationId,
          contact_id: r.view.contactId,
          phone_number_id: r.view.phoneNumberId,
          content_type: r.view.type,
          sent_at: r.view.timestamp,
          context_wamid: r.contextWamid,
          reply_to_internal_id: r.replyToInternalId,
          message: r.view,
          position: r.position.toString(),
        })),
      ),
    );
  }

  /**
   * A contact joined into another: its messages move to the conversations of
   * `into` (same business numbers), in the columns and in the stored view.
   */
  async move(tx: SqlTx, tenantId: string, into: string, conversations: Array<{ from: string; into: string }>): Promise<void> {
    if (conversations.length === 0) return;
    await tx.$executeRawUnsafe(
      `UPDATE inbound_messages m SET conversation_id = r.into_id, contact_id = $2,
         message = m.message || jsonb_build_object('conversationId', r.into_id, 'contactId', $2::text)
       FROM jsonb_to_recordset($3::jsonb) AS r(from_id text, into_id text)
       WHERE m.tenant_id = $1 AND m.conversation_id = r.from_id`,
      tenantId,
      into,
      JSON.stringify(conversations.map((c) => ({ from_id: c.from, into_id: c.into }))),
    );
  }

  /** Which of these wamids already have a message row. */
  async existing(tx: SqlTx, tenantId: string, wamids: string[]): Promise<Set<string>> {
    if (wamids.length === 0) return new Set();
    const rows = await tx.$queryRawUnsafe<Array<{ wamid: string }>>(`SELECT wamid FROM inbound_messages WHERE tenant_id = $1 AND wamid = ANY($2::text[])`, tenantId, wamids);
    return new Set(rows.map((r) => r.wamid));
  }

  /**
   * Our internal ids of outbound messages, from the status projector's
   * `message_status` (read only; another service's table, so a plain query
   * and no foreign key: it may not know the message, or not yet).
   */
  async internalIds(tx: SqlTx, tenantId: string, wamids: string[]): Promise<Map<string, string>> {
    if (wamids.length === 0) return new Map();
    const rows = await tx.$queryRawUnsafe<Array<{ wamid: string; internal_message_id: string }>>(
      `SELECT wamid, internal_message_id FROM message_status WHERE tenant_id = $1 AND wamid = ANY($2::text[]) AND internal_message_id IS NOT NULL`,
      tenantId,
      wamids,
    );
    return new Map(rows.map((r) => [r.wamid, r.internal_message_id]));
  }

  async truncate(tx: SqlTx): Promise<void> {
    await tx.$executeRawUnsafe('TRUNCATE inbound_messages');
  }
}
