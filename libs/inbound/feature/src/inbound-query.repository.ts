import { Injectable } from '@nestjs/common';

import type { ContactState, ConversationState } from '@wahooks/inbound-domain';
import { PrismaService } from '@wahooks/prisma';

import { ADDRESS_BOOK_COLUMNS, AddressBookRow } from './address-book.repository';
import type { InboundMessageV1 } from './inbound-message.view';
import type { MediaRow } from './media.repository';

export interface ConversationRow {
  conversation_id: string;
  phone_number_id: string;
  contact_id: string;
  message_count: number;
  state: ConversationState;
}

export interface StoredMessage {
  view: InboundMessageV1;
  /** Fresh from the status ledger: it may have learned the id after the reply arrived. */
  internalMessageId: string | null;
  media: MediaRow | null;
}

/** Reads for the API; the tenant the API key authenticated is always the first predicate. */
@Injectable()
export class InboundQueryRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** A contact by wa_id, BSUID or contact id. */
  async contactIdOf(tenantId: string, customer: string): Promise<string | undefined> {
    const [row] = await this.prisma.$queryRawUnsafe<Array<{ contact_id: string }>>(
      `SELECT contact_id FROM inbound_contact_aliases WHERE tenant_id = $1 AND identity = ANY($2::text[])
       UNION ALL SELECT contact_id FROM inbound_contacts WHERE tenant_id = $1 AND contact_id = $3 LIMIT 1`,
      tenantId,
      [`wa:${customer}`, `bsuid:${customer}`],
      customer,
    );
    return row?.contact_id;
  }

  async contact(tenantId: string, contactId: string): Promise<{ state: ContactState; identities: string[] } | undefined> {
    const [row] = await this.prisma.$queryRawUnsafe<Array<{ state: ContactState; identities: string[] }>>(
      `SELECT c.state, COALESCE((SELECT array_agg(a.identity ORDER BY a.identity) FROM inbound_contact_aliases a
         WHERE a.tenant_id = c.tenant_id AND a.contact_id = c.contact_id), ARRAY[]::text[]) AS identities
       FROM inbound_contacts c WHERE c.tenant_id = $1 AND c.contact_id = $2`,
      tenantId,
      contactId,
    );
    return row;
  }

  async conversationsOf(tenantId: string, contactId: string, phoneNumberId?: string): Promise<ConversationRow[]> {
    return this.prisma.$queryRawUnsafe<ConversationRow[]>(
      `SELECT conversation_id, phone_number_id, contact_id, message_count, state FROM inbound_conversations
       WHERE tenant_id = $1 AND contact_id = $2 AND ($3::text IS NULL OR phone_number_id = $3) ORDER BY phone_number_id`,
      tenantId,
      contactId,
      phoneNumberId ?? null,
    );
  }

  async conversation(tenantId: string, conversationId: string): Promise<ConversationRow | undefined> {
    const [row] = await this.prisma.$queryRawUnsafe<ConversationRow[]>(
      `SELECT conversation_id, phone_number_id, contact_id, message_count, state FROM inbound_conversations WHERE tenant_id = $1 AND conversation_id = $2`,
      tenantId,
      conversationId,
    );
    return row;
  }

  /** A conversation's messages in Meta-time order, keyset-paginated after (sentAt, wamid). */
  async messages(tenantId: string, conversationId: string, limit: number, after?: { sentAt: string; wamid: string }): Promise<StoredMessage[]> {
    return this.select(
      `m.tenant_id = $1 AND m.conversation_id = $2 AND ($3::timestamptz IS NULL OR (m.sent_at, m.wamid) > ($3::timestamptz, $4::text))
       ORDER BY m.sent_at, m.wamid LIMIT $5`,
      tenantId,
      conversationId,
      after?.sentAt ?? null,
      after?.wamid ?? '',
      limit,
    );
  }

  async message(tenantId: string, wamid: string): Promise<StoredMessage | undefined> {
    const [row] = await this.select(`m.tenant_id = $1 AND m.wamid = $2`, tenantId, wamid);
    return row;
  }

  async media(tenantId: string, wamid: string): Promise<MediaRow | undefined> {
    const [row] = await this.prisma.$queryRawUnsafe<MediaRow[]>(
      `SELECT wamid, media_id, mime_type, status, attempts, last_error, storage_key, size_bytes, sha256, completed_at FROM inbound_media WHERE tenant_id = $1 AND wamid = $2`,
      tenantId,
      wamid,
    );
    return row;
  }

  /** The address-book entry of any of these identities (an entry keyed by phone is found by its BSUID too): the latest sync. */
  async addressBookOf(tenantId: string, identities: string[]): Promise<AddressBookRow | undefined> {
    const userIds = identities.filter((i) => i.startsWith('bsuid:')).map((i) => i.slice('bsuid:'.length));
    const [row] = await this.prisma.$queryRawUnsafe<AddressBookRow[]>(
      `SELECT ${ADDRESS_BOOK_COLUMNS} FROM inbound_address_book WHERE tenant_id = $1 AND (identity = ANY($2::text[]) OR user_id = ANY($3::text[]))
       ORDER BY synced_at DESC, last_position DESC LIMIT 1`,
      tenantId,
      identities,
      userIds,
    );
    return row;
  }

  /** The address book in identity order, keyset-paginated after an identity; of one business number when given. */
  async addressBook(tenantId: string, limit: number, phoneNumberId?: string, after?: string): Promise<AddressBookRow[]> {
    return this.prisma.$queryRawUnsafe<AddressBookRow[]>(
      `SELECT ${ADDRESS_BOOK_COLUMNS} FROM inbound_address_book
       WHERE tenant_id = $1 AND ($2::text IS NULL OR phone_number_id = $2) AND ($3::text IS NULL OR identity > $3)
       ORDER BY identity LIMIT $4`,
      tenantId,
      phoneNumberId ?? null,
      after ?? null,
      limit,
    );
  }

  private async select(where: string, ...values: unknown[]): Promise<StoredMessage[]> {
    const rows = await this.prisma.$queryRawUnsafe<Array<{ message: InboundMessageV1; internal_id: string | null; media: MediaRow | null }>>(
      `SELECT m.message, COALESCE(m.reply_to_internal_id, s.internal_message_id) AS internal_id,
         CASE WHEN md.wamid IS NULL THEN NULL ELSE json_build_object('wamid', md.wamid, 'media_id', md.media_id, 'mime_type', md.mime_type,
           'status', md.status, 'attempts', md.attempts, 'last_error', md.last_error, 'storage_key', md.storage_key,
           'size_bytes', md.size_bytes, 'sha256', md.sha256, 'completed_at', md.completed_at) END AS media
       FROM inbound_messages m
       LEFT JOIN message_status s ON s.tenant_id = m.tenant_id AND s.wamid = m.context_wamid
       LEFT JOIN inbound_media md ON md.tenant_id = m.tenant_id AND md.wamid = m.wamid
       WHERE ${where}`,
      ...values,
    );
    return rows.map((r) => ({ view: r.message, internalMessageId: r.internal_id, media: r.media }));
  }
}
