import { BadRequestException, Controller, Get, NotFoundException, Param, Query, UseGuards } from '@nestjs/common';

import { mayReceiveMarketing } from '@wahooks/fallback-domain';
import { PrismaService } from '@wahooks/prisma';
import { ApiKeyGuard, AuthTenant } from '@wahooks/tenancy';

import { FallbackCountsQuery, ListFallbacksQuery, ListSuppressionsQuery } from './fallback.dto';
import { FallbackQueryRepository, FallbackRow } from './fallback-query.repository';
import { SuppressionRepository } from './suppression.repository';

/** Read API of the fallback trigger. Tenant = the API key's tenant. */
@Controller('v1/fallbacks')
@UseGuards(ApiKeyGuard)
export class FallbackController {
  constructor(
    private readonly query: FallbackQueryRepository,
    private readonly suppressions: SuppressionRepository,
    private readonly prisma: PrismaService,
  ) {}

  @Get()
  async list(@AuthTenant() tenantId: string, @Query() q: ListFallbacksQuery) {
    const limit = q.limit ?? 50;
    const rows = await this.query.list(tenantId, {
      ...(q.action ? { action: q.action } : {}),
      ...(q.errorCode !== undefined ? { errorCode: q.errorCode } : {}),
      ...(q.smsStatus ? { smsStatus: q.smsStatus } : {}),
      ...(q.from ? { from: new Date(q.from) } : {}),
      ...(q.to ? { to: new Date(q.to) } : {}),
      ...(q.cursor ? { after: decodeCursor(q.cursor) } : {}),
      limit,
    });
    const last = rows[rows.length - 1];
    return { items: rows.map(view), nextCursor: rows.length === limit && last?.decided_at ? encodeCursor(last.decided_at, last.wamid) : null };
  }

  @Get('counts')
  counts(@AuthTenant() tenantId: string, @Query() q: FallbackCountsQuery) {
    return this.query.counts(tenantId, new Date(q.from), new Date(q.to));
  }

  @Get('suppressions')
  async suppressionList(@AuthTenant() tenantId: string, @Query() q: ListSuppressionsQuery) {
    const items = await this.suppressions.list(this.prisma, tenantId, {
      suppressedOnly: q.suppressedOnly ?? true,
      limit: q.limit ?? 100,
      ...(q.before ? { before: new Date(q.before) } : {}),
    });
    return { items: items.map((s) => ({ user: s.user, suppressed: s.suppressed, source: s.source, changedAt: new Date(s.changedAtMs).toISOString() })) };
  }

  /** "May I send marketing to this user?" — by phone number (wa_id) or BSUID. */
  @Get('suppressions/:user')
  async marketingAllowed(@AuthTenant() tenantId: string, @Param('user') user: string) {
    const s = await this.suppressions.find(this.prisma, tenantId, [user]);
    return {
      user,
      mayReceiveMarketing: mayReceiveMarketing(s),
      suppressed: s?.suppressed ?? false,
      source: s?.source ?? null,
      changedAt: s ? new Date(s.changedAtMs).toISOString() : null,
    };
  }

  @Get(':wamid')
  async byWamid(@AuthTenant() tenantId: string, @Param('wamid') wamid: string) {
    const row = await this.query.byWamid(tenantId, wamid);
    if (!row) throw new NotFoundException({ code: 'FALLBACK_NOT_FOUND', message: 'the fallback service has not seen this message' });
    return view(row);
  }
}

function view(r: FallbackRow) {
  const s = r.state;
  return {
    wamid: r.wamid,
    internalMessageId: r.internal_message_id,
    recipient: r.recipient,
    errorCode: r.error_code,
    errorClass: r.error_class,
    action: r.action,
    reason: r.reason,
    policyVersion: s.decision?.policyVersion ?? null,
    retry: s.decision?.retry ?? null,
    decidedAt: r.decided_at ? new Date(r.decided_at).toISOString() : null,
    delivered: s.delivered?.status ?? null,
    sms: s.sms
      ? {
          reason: s.sms.reason,
          to: s.sms.to,
          status: r.sms_status,
          attempts: r.sms_attempts ?? s.sms.attempts,
          lastError: r.sms_last_error,
          providerMessageId: r.sms_provider_message_id,
          completedAt: r.sms_completed_at ? new Date(r.sms_completed_at).toISOString() : null,
        }
      : null,
    supersededBy: r.superseded_by,
  };
}

function encodeCursor(decidedAt: Date, wamid: string): string {
  return Buffer.from(JSON.stringify({ decidedAt: new Date(decidedAt).toISOString(), wamid })).toString('base64url');
}

function decodeCursor(cursor: string): { decidedAt: string; wamid: string } {
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { decidedAt?: unknown; wamid?: unknown };
    if (typeof v.decidedAt === 'string' && typeof v.wamid === 'string' && !Number.isNaN(Date.parse(v.decidedAt))) return { decidedAt: v.decidedAt, wamid: v.wamid };
  } catch {
    // fall through
  }
  throw new BadRequestException({ code: 'INVALID_CURSOR', message: 'cursor is not one this API returned' });
}
