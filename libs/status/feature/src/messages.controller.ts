import { BadRequestException, Body, Controller, Get, HttpCode, NotFoundException, Param, Post, Query, UseGuards } from '@nestjs/common';

import { acceptedMessageV1 } from '@wahooks/events-contract';
import { ApiKeyGuard, AuthTenant } from '@wahooks/tenancy';

import { MessageQueryRepository } from './message-query.repository';
import { messageView } from './message.view';
import { CountsQuery, ListMessagesQuery } from './messages.dto';
import { StatusIngestService } from './status-ingest.service';

/** Read API of the status ledger, and the HTTP side of "accepted". Tenant = the API key's tenant. */
@Controller('v1/messages')
@UseGuards(ApiKeyGuard)
export class MessagesController {
  constructor(
    private readonly query: MessageQueryRepository,
    private readonly ingest: StatusIngestService,
  ) {}

  /** Record sends Meta accepted: one object or an array (≤ 500). */
  @Post('accepted')
  @HttpCode(202)
  async accepted(@AuthTenant() tenantId: string, @Body() body: unknown) {
    const items = Array.isArray(body) ? body : [body];
    if (items.length === 0 || items.length > 500) throw new BadRequestException({ code: 'BATCH_SIZE', message: 'send 1 to 500 items' });
    const parsed = items.map((item, i) => {
      const r = acceptedMessageV1.safeParse(item);
      if (!r.success) {
        throw new BadRequestException({ code: 'INVALID_ACCEPTED', message: `item ${i}: ${r.error.issues.map((x) => `${x.path.join('.')}: ${x.message}`).join('; ')}` });
      }
      return r.data;
    });
    return this.ingest.ingestAccepted(tenantId, parsed);
  }

  @Get()
  async list(@AuthTenant() tenantId: string, @Query() q: ListMessagesQuery) {
    const limit = q.limit ?? 50;
    const rows = await this.query.list(tenantId, {
      ...(q.status ? { status: q.status } : {}),
      ...(q.errorCode !== undefined ? { errorCode: q.errorCode } : {}),
      ...(q.recipient ? { recipient: q.recipient } : {}),
      ...(q.from ? { from: new Date(q.from) } : {}),
      ...(q.to ? { to: new Date(q.to) } : {}),
      ...(q.cursor ? { after: decodeCursor(q.cursor) } : {}),
      limit,
    });
    const last = rows[rows.length - 1];
    return {
      items: rows.map((r) => messageView(r, false)),
      nextCursor: rows.length === limit && last?.first_seen_at ? encodeCursor(last.first_seen_at, last.wamid) : null,
    };
  }

  @Get('counts')
  counts(@AuthTenant() tenantId: string, @Query() q: CountsQuery) {
    return this.query.counts(tenantId, new Date(q.from), new Date(q.to));
  }

  @Get('by-internal-id/:id')
  async byInternalId(@AuthTenant() tenantId: string, @Param('id') id: string) {
    const row = await this.query.byInternalId(tenantId, id);
    if (!row) throw new NotFoundException({ code: 'MESSAGE_NOT_FOUND', message: 'no message with this internal id' });
    return messageView(row, true);
  }

  @Get(':wamid')
  async byWamid(@AuthTenant() tenantId: string, @Param('wamid') wamid: string) {
    const row = await this.query.byWamid(tenantId, wamid);
    if (!row) throw new NotFoundException({ code: 'MESSAGE_NOT_FOUND', message: 'no message with this wamid' });
    return messageView(row, true);
  }
}

function encodeCursor(firstSeenAt: Date, wamid: string): string {
  return Buffer.from(JSON.stringify({ firstSeenAt: new Date(firstSeenAt).toISOString(), wamid })).toString('base64url');
}

function decodeCursor(cursor: string): { firstSeenAt: string; wamid: string } {
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { firstSeenAt?: unknown; wamid?: unknown };
    if (typeof v.firstSeenAt === 'string' && typeof v.wamid === 'string' && !Number.isNaN(Date.parse(v.firstSeenAt))) {
      return { firstSeenAt: v.firstSeenAt, wamid: v.wamid };
    }
  } catch {
    // fall through
  }
  throw new BadRequestException({ code: 'INVALID_CURSOR', message: 'cursor is not one this API returned' });
}
