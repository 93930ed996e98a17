import { createHash } from 'node:crypto';

import { Injectable } from '@nestjs/common';

import { ConversationState, windowAt } from '@wahooks/inbound-domain';
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
  /** The stored conversations among these (business number, contact) pairs. */
  async loadMany(tx: SqlTx, tenantId: string, keys: Array<{ phoneNumberId: string; contactId: string }>): Promise<ProjectedConversation[]> {
    if (keys.length === 0) return [];
    return this.select(tx, `tenant_id = $1 AND conversation_id = ANY($2::text[])`, tenantId, keys.map((k) => conversationIdOf(k.phoneNumberId, k.contactId)));
  }

  /** Every conversation of these contacts, on any business number (for a merge: rare, not on an index). */
  async ofContacts(tx: SqlTx, tenantId: string, contactIds: string[]): Promise<ProjectedConversation[]> {
    if (contactIds.length === 0) return [];
    return this.select(tx, `tenant_id = $1 AND contact_id = ANY($2::text[])`, tenantId, contactIds);
  }

  async delete(tx: SqlTx, tenantId: string, conversationIds: string[]): Promise<void> {
    if (conversationIds.length === 0) return;
    await tx.$executeRawUnsafe(`DELETE FROM inbound_conversations WHERE tenant_id = $1 AND conversation_id = ANY($2::text[])`, tenantId, conversationIds);
  }

  private async select(tx: SqlTx, where: string, ...values: unknown[]): Promise<ProjectedConversation[]> {
    const rows = await tx.$queryRawUnsafe<Array<{ tenant_id: string; conversation_id: string; phone_number_id: string; contact_id: string; state: ConversationState; last_position: bigint }>>(
      `SELECT tenant_id, conversation_id, phone_number_id, contact_id, state, last_position FROM inbound_conversations WHERE ${where}`,
      ...values,
    );
    return rows.map((r) => ({ tenantId: r.tenant_id, conversationId: r.conversation_id, phoneNumberId: r.phone_number_id, contactId: r.contact_id, state: r.state, lastPosition: BigInt(r.last_position) }));
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
