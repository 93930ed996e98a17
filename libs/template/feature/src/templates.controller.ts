import { ConflictException, Controller, Get, NotFoundException, Param, Query, UseGuards } from '@nestjs/common';

import { ApiKeyGuard, AuthTenant } from '@wahooks/tenancy';
import { AccountState, maySend, normalizeLanguage } from '@wahooks/template-domain';

import { MonitorQueryRepository, TemplateQueryRow } from './monitor-query.repository';
import { decisionView, templateView } from './monitor.views';
import { CanSendQuery, ListTemplatesQuery, TemplateQuery } from './monitor.dto';

/** Templates and "may I send this one now?". Tenant = the API key's tenant. */
@Controller('v1/templates')
@UseGuards(ApiKeyGuard)
export class TemplatesController {
  constructor(private readonly query: MonitorQueryRepository) {}

  @Get()
  async list(@AuthTenant() tenantId: string, @Query() q: ListTemplatesQuery) {
    const rows = await this.query.templates(tenantId, { ...(q.status ? { status: q.status } : {}), ...(q.wabaId ? { wabaId: q.wabaId } : {}), limit: q.limit ?? 200 });
    return { items: rows.map((r) => templateView(r, false)) };
  }

  @Get(':name/:language')
  async one(@AuthTenant() tenantId: string, @Param('name') name: string, @Param('language') language: string, @Query() q: TemplateQuery) {
    const row = await this.find(tenantId, name, language, q.wabaId);
    if (!row) throw new NotFoundException({ code: 'TEMPLATE_NOT_FOUND', message: 'no event seen for this template and language' });
    return templateView(row, true);
  }

  /** Not found is an answer here, not an error: nothing we saw blocks it (see docs/template-monitor.md). */
  @Get(':name/:language/can-send')
  async canSend(@AuthTenant() tenantId: string, @Param('name') name: string, @Param('language') language: string, @Query() q: CanSendQuery) {
    const row = await this.find(tenantId, name, language, q.wabaId);
    const wabaId = row?.waba_id ?? q.wabaId;
    const [account] = wabaId ? await this.query.health(tenantId, 'account', wabaId) : [];
    const nowMs = q.at ? Date.parse(q.at) : Date.now();
    const decision = maySend(row?.state, account?.state as AccountState | undefined, nowMs);
    return { name, language: normalizeLanguage(language), wabaId: wabaId ?? null, at: new Date(nowMs).toISOString(), ...decisionView(decision), status: row?.status ?? null, quality: row?.quality ?? null };
  }

  /** A name and language may exist in several WABAs of a tenant: then the caller must say which. */
  private async find(tenantId: string, name: string, language: string, wabaId?: string): Promise<TemplateQueryRow | undefined> {
    const rows = await this.query.templates(tenantId, { name, language: normalizeLanguage(language), ...(wabaId ? { wabaId } : {}), limit: 2 });
    if (rows.length > 1) throw new ConflictException({ code: 'AMBIGUOUS_TEMPLATE', message: 'this template exists in several WABAs: pass ?wabaId=' });
    return rows[0];
  }
}
