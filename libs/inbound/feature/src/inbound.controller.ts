import { BadRequestException, ConflictException, Controller, Get, Inject, NotFoundException, Param, Query, StreamableFile, UseGuards } from '@nestjs/common';
import { pipeline } from 'node:stream/promises';

import { InboundConfig, inboundSection } from '@wahooks/config';
import { ContactState, ConversationState, currentProfileName, windowAt } from '@wahooks/inbound-domain';
import { ApiKeyGuard, AuthTenant } from '@wahooks/tenancy';

import { addressBookView } from './address-book.view';
import { AddressBookQuery, ContactConversationsQuery, ConversationMessagesQuery, WindowQuery } from './inbound.dto';
import { InboundQueryRepository, StoredMessage } from './inbound-query.repository';
import type { MediaRow } from './media.repository';
import { MediaMeter } from './media-meter';
import { MEDIA_STORAGE, MediaStorage } from './media-storage';

const iso = (ms: number | null | undefined): string | null => (ms === null || ms === undefined ? null : new Date(ms).toISOString());

/** Read API of the inbound-reply service. Tenant = the API key's tenant. */
@Controller('v1/inbound')
@UseGuards(ApiKeyGuard)
export class InboundController {
  constructor(
    @Inject(inboundSection.token) private readonly config: InboundConfig,
    private readonly query: InboundQueryRepository,
    @Inject(MEDIA_STORAGE) private readonly storage: MediaStorage,
  ) {}

  /** "May I send a free-form message to this customer from this number, and until when?" */
  @Get('window')
  async window(@AuthTenant() tenantId: string, @Query() q: WindowQuery) {
    const now = Date.now();
    const contactId = await this.query.contactIdOf(tenantId, q.customer);
    const [conv] = contactId ? await this.query.conversationsOf(tenantId, contactId, q.phoneNumberId) : [];
    const w = windowAt(conv?.state.window ?? { lastInboundAtMs: null, lastEntryPointAtMs: null }, now);
    return {
      phoneNumberId: q.phoneNumberId,
      customer: q.customer,
      contactId: contactId ?? null,
      conversationId: conv?.conversation_id ?? null,
      open: w.open,
      expiresAt: iso(w.expiresAtMs),
      lastInboundAt: iso(w.lastInboundAtMs),
      freeEntryPoint: w.freeEntryPoint ? { open: w.freeEntryPoint.open, expiresAt: iso(w.freeEntryPoint.expiresAtMs) } : null,
      evaluatedAt: new Date(now).toISOString(),
    };
  }

  @Get('conversations/:conversationId')
  async conversation(@AuthTenant() tenantId: string, @Param('conversationId') conversationId: string, @Query() q: ConversationMessagesQuery) {
    const conv = await this.query.conversation(tenantId, conversationId);
    if (!conv) throw new NotFoundException({ code: 'CONVERSATION_NOT_FOUND', message: 'no such conversation' });
    const limit = q.limit ?? 100;
    const messages = await this.query.messages(tenantId, conversationId, limit, q.cursor ? decodeCursor(q.cursor) : undefined);
    const last = messages[messages.length - 1];
    return {
      ...conversationView(conv.conversation_id, conv.phone_number_id, conv.contact_id, conv.state),
      messages: messages.map(messageView),
      nextCursor: messages.length === limit && last ? Buffer.from(JSON.stringify({ sentAt: last.view.timestamp, wamid: last.view.wamid })).toString('base64url') : null,
    };
  }

  @Get('messages/:wamid')
  async message(@AuthTenant() tenantId: string, @Param('wamid') wamid: string) {
    const m = await this.query.message(tenantId, wamid);
    if (!m) throw new NotFoundException({ code: 'MESSAGE_NOT_FOUND', message: 'no inbound message with this id' });
    return messageView(m);
  }

  @Get('contacts/:customer')
  async contact(@AuthTenant() tenantId: string, @Param('customer') customer: string, @Query() q: ContactConversationsQuery) {
    const contactId = await this.query.contactIdOf(tenantId, customer);
    const found = contactId ? await this.query.contact(tenantId, contactId) : undefined;
    if (!contactId || !found) throw new NotFoundException({ code: 'CONTACT_NOT_FOUND', message: 'no contact with this wa_id, BSUID or id' });
    const conversations = await this.query.conversationsOf(tenantId, contactId, q.phoneNumberId);
    const entry = await this.query.addressBookOf(tenantId, found.identities);
    return {
      ...contactView(found.state),
      identities: found.identities,
      addressBook: entry ? addressBookView(entry) : null,
      conversations: conversations.map((c) => conversationView(c.conversation_id, c.phone_number_id, c.contact_id, c.state)),
    };
  }

  /** The business's WhatsApp Business app address book (coexistence), removed entries included. */
  @Get('address-book')
  async addressBook(@AuthTenant() tenantId: string, @Query() q: AddressBookQuery) {
    const limit = q.limit ?? 100;
    const entries = await this.query.addressBook(tenantId, limit, q.phoneNumberId, q.cursor ? decodeIdentityCursor(q.cursor) : undefined);
    const last = entries[entries.length - 1];
    return { entries: entries.map(addressBookView), nextCursor: entries.length === limit && last ? Buffer.from(JSON.stringify({ identity: last.identity })).toString('base64url') : null };
  }

  @Get('media/:wamid')
  async media(@AuthTenant() tenantId: string, @Param('wamid') wamid: string) {
    const row = await this.query.media(tenantId, wamid);
    if (!row) throw new NotFoundException({ code: 'MEDIA_NOT_FOUND', message: 'no media for this message' });
    return mediaView(row);
  }

  /** Streamed from storage, never read whole; capped at INBOUND_MEDIA_MAX_BYTES like the downloads. */
  @Get('media/:wamid/content')
  async mediaContent(@AuthTenant() tenantId: string, @Param('wamid') wamid: string): Promise<StreamableFile> {
    const row = await this.query.media(tenantId, wamid);
    const stored = row?.status === 'stored' && row.storage_key ? await this.storage.open(row.storage_key) : undefined;
    if (!row || !stored) throw new NotFoundException({ code: 'MEDIA_NOT_STORED', message: 'the media of this message is not stored (yet)' });
    const maxBytes = this.config.media.maxBytes;
    if (stored.size !== undefined && stored.size > maxBytes) {
      stored.stream.destroy();
      throw new ConflictException({ code: 'MEDIA_TOO_LARGE', message: `the stored media is larger than the limit of ${maxBytes} bytes` });
    }
    let stream = stored.stream;
    if (stored.size === undefined) {
      // The storage did not say: cut the response off at the cap rather than trust it.
      const cap = new MediaMeter({ maxBytes, hashing: false });
      pipeline(stored.stream, cap).catch(() => undefined);
      stream = cap;
    }
    return new StreamableFile(stream, { type: row.mime_type ?? 'application/octet-stream', ...(stored.size !== undefined ? { length: stored.size } : {}) });
  }
}

function conversationView(conversationId: string, phoneNumberId: string, contactId: string, s: ConversationState) {
  const w = windowAt(s.window, Date.now());
  return {
    conversationId,
    phoneNumberId,
    contactId,
    messageCount: s.messageCount,
    firstMessage: s.first ? { wamid: s.first.wamid, at: iso(s.first.atMs) } : null,
    lastMessage: s.last ? { wamid: s.last.wamid, at: iso(s.last.atMs) } : null,
    window: { open: w.open, expiresAt: iso(w.expiresAtMs), lastInboundAt: iso(w.lastInboundAtMs) },
    freeEntryPoint: w.freeEntryPoint ? { open: w.freeEntryPoint.open, expiresAt: iso(w.freeEntryPoint.expiresAtMs) } : null,
  };
}

function messageView(m: StoredMessage) {
  const v = m.view;
  const context = v.context ? { ...v.context, replyTo: v.context.replyTo ? { ...v.context.replyTo, internalMessageId: m.internalMessageId } : null } : null;
  return { ...v, context, media: v.media ? { ...v.media, ...(m.media ? mediaView(m.media) : {}) } : null };
}

function mediaView(r: MediaRow) {
  return { id: r.media_id, wamid: r.wamid, mimeType: r.mime_type, status: r.status, attempts: r.attempts, lastError: r.last_error, sizeBytes: r.size_bytes, sha256: r.sha256, completedAt: r.completed_at ? new Date(r.completed_at).toISOString() : null };
}

function contactView(s: ContactState) {
  return {
    contactId: s.contactId,
    waId: s.waId?.value ?? null,
    userId: s.userId?.value ?? null,
    parentUserId: s.parentUserId?.value ?? null,
    username: s.username?.value ?? null,
    profileName: currentProfileName(s),
    profileNames: s.profileNames.map((n) => ({ name: n.name, firstSeenAt: iso(n.firstSeenAtMs), lastSeenAt: iso(n.lastSeenAtMs) })),
    numberChanges: s.numberChanges.map((c) => ({ fromWaId: c.fromWaId, toWaId: c.toWaId, at: iso(c.atMs), wamid: c.wamid })),
    identityChanges: s.identityChanges.map((c) => ({ at: iso(c.atMs), wamid: c.wamid, hash: c.hash })),
    firstSeenAt: iso(s.firstSeenAtMs),
    lastSeenAt: iso(s.lastSeenAtMs),
  };
}

function decodeIdentityCursor(cursor: string): string {
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { identity?: unknown };
    if (typeof v.identity === 'string') return v.identity;
  } catch {
    // fall through
  }
  throw new BadRequestException({ code: 'INVALID_CURSOR', message: 'cursor is not one this API returned' });
}

function decodeCursor(cursor: string): { sentAt: string; wamid: string } {
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { sentAt?: unknown; wamid?: unknown };
    if (typeof v.sentAt === 'string' && typeof v.wamid === 'string' && !Number.isNaN(Date.parse(v.sentAt))) return { sentAt: v.sentAt, wamid: v.wamid };
  } catch {
    // fall through
  }
  throw new BadRequestException({ code: 'INVALID_CURSOR', message: 'cursor is not one this API returned' });
}
