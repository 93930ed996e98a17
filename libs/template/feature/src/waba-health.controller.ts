import { Controller, Get, NotFoundException, Param, Query, UseGuards } from '@nestjs/common';

import { ApiKeyGuard, AuthTenant } from '@wahooks/tenancy';

import { MonitorQueryRepository } from './monitor-query.repository';
import { accountView, phoneView } from './monitor.views';
import { WabaQuery } from './monitor.dto';

/** Phone numbers and account health. Tenant = the API key's tenant. */
@Controller('v1')
@UseGuards(ApiKeyGuard)
export class WabaHealthController {
  constructor(private readonly query: MonitorQueryRepository) {}

  @Get('numbers')
  async numbers(@AuthTenant() tenantId: string, @Query() q: WabaQuery) {
    return { items: (await this.query.health(tenantId, 'phone', q.wabaId)).map((r) => phoneView(r, true)) };
  }

  @Get('accounts')
  async accounts(@AuthTenant() tenantId: string) {
    const now = Date.now();
    return { items: (await this.query.health(tenantId, 'account')).map((r) => accountView(r, now, false)) };
  }

  @Get('accounts/:wabaId')
  async account(@AuthTenant() tenantId: string, @Param('wabaId') wabaId: string) {
    const [row] = await this.query.health(tenantId, 'account', wabaId);
    if (!row) throw new NotFoundException({ code: 'ACCOUNT_NOT_FOUND', message: 'no event seen for this WABA' });
    return accountView(row, Date.now(), true);
  }
}
