import { createHash } from 'node:crypto';

import { Injectable } from '@nestjs/common';

import { ConversationState, initialConversation, windowAt } from '@wahooks/inbound-domain';
import type { SqlTx } from '@wahooks/prisma';

export interface ProjectedConversation {
  tenantId: string;
  conversationId: string;
  phoneNumberId: string;
  contactId: string;
  state: ConversationState;
  lastPosition: bigint;
}

/** Deterministic, so a rebuild gives every conversation the id it had. */
export function conversationIdOf(phoneNumberId: string, contactId: string): string {
  return `conv_${createHash('sha256').update(`${phoneNumberId}\u0000${contactId}`).digest('hex').slice(0, 32)}`;
}

const iso = (ms: number | null | undefined): string | null => (ms === null || ms === undefined ? null : new Date(ms).toISOString());

/** `inbound_conversations`: the fold state plus the window columns the read API filters on. */
@Injectable()
export class ConversationRepository {
  async load(tx: SqlTx, tenantId: string, phoneNumberId: string, contactId: string): Promise<ProjectedConversation> {
    const conversationId = conversationIdOf(phoneNumberId, contactId);
    const [row] = await tx.$queryRawUnsafe<Array<{ state: ConversationState; last_position: bigint }>>(
      `SELECT state, last_position FROM inbound_conversations WHERE tenant_id = $1 AND conversation_id = $2`,
      tenantId,
      conversationId,
    );
    const state = row?.state ?? initialConversation;
    return { tenantId, conversationId, phoneNumberId, contactId, state, lastPosition: row ? BigInt(row.last_position) : 0n };
  }

  async upsert(tx: SqlTx, conversations: ProjectedConversation[]): Promise<void> {
    if (conversations.length === 0) return;
    const rows = conversations.map((c) => {
      const w = windowAt(c.state.window, 0);
      return {
        tenant_id: c.tenantId,
        conversation_id: c.conversationId,
        phone_number_id: c.phoneNumberId,
        contact_id: c.contactId,
        last_inbound_at: iso(w.lastInboundAtMs),
        window_expires_at: iso(w.expiresAtMs),
        free_entry_expires_at: iso(w.freeEntryPoint?.expiresAtMs),
        message_count: c.state.messageCount,
        state: c.state,
        last_position: c.lastPosition.toString(),
      };
    });
    await tx.$executeRawUnsafe(
      `INSERT INTO inbound_conversations (tenant_id, conversation_id, phone_number_id, contact_id, last_inbound_at, window_expires_at,
         free_entry_expires_at, message_count, state, last_position, updated_at)
       SELECT tenant_id, conversation_id, phone_number_id, contact_id, last_inbound_at, window_expires_at, free_entry_expires_at,
         message_count, state, last_position, now()
       FROM jsonb_to_recordset($1::jsonb) AS r(tenant_id text, conversation_id text, phone_number_id text, contact_id text,
         last_inbound_at timestamptz, window_expires_at timestamptz, free_entry_expires_at timestamptz, message_count int, state jsonb, last_position bigint)
       ON CONFLICT (tenant_id, conversation_id) DO UPDATE SET last_inbound_at = EXCLUDED.last_inbound_at,
         window_expires_at = EXCLUDED.window_expires_at, free_entry_expires_at = EXCLUDED.free_entry_expires_at,
         message_count = EXCLUDED.message_count, state = EXCLUDED.state, last_position = EXCLUDED.last_position, updated_at = now()`,
      JSON.stringify(rows),
    );
  }

  async truncate(tx: SqlTx): Promise<void> {
    await tx.$executeRawUnsafe('TRUNCATE inbound_conversations');
  }
}
