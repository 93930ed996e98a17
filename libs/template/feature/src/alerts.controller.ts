import { BadRequestException, Body, Controller, Get, Inject, NotFoundException, Param, Put, Query, UseFilters, UseGuards } from '@nestjs/common';

import { RuntimeConfig, runtimeSection } from '@wahooks/config';
import { OutboundHttp } from '@wahooks/egress';
import { AdminAction, AdminTokenGuard, ApiKeyGuard, AuthTenant, TenancyError, TenancyErrorFilter, TenantRepository } from '@wahooks/tenancy';

import { AlertEndpointRepository } from './alert-endpoint.repository';
import { AlertRepository } from './alert.repository';
import { ListAlertsQuery, ListDeliveriesQuery, PutAlertEndpointBody } from './monitor.dto';

/** Alerts, their deliveries with every attempt, and the endpoint (never its secret). */
@Controller('v1')
@UseGuards(ApiKeyGuard)
export class AlertsController {
  constructor(
    private readonly alerts: AlertRepository,
    private readonly endpoints: AlertEndpointRepository,
  ) {}

  @Get('alerts')
  async list(@AuthTenant() tenantId: string, @Query() q: ListAlertsQuery) {
    const limit = q.limit ?? 100;
    const rows = await this.alerts.listAlerts(tenantId, { ...(q.kind ? { kind: q.kind } : {}), ...(q.before ? { beforeId: q.before } : {}), limit });
    return {
      items: rows.map((r) => ({ ...r.payload, raisedAt: r.created_at, delivery: r.delivery_id ? { deliveryId: r.delivery_id, status: r.delivery_status, attempts: r.attempts } : null })),
      nextBefore: rows.length === limit ? (rows[rows.length - 1]?.id ?? null) : null,
    };
  }

  @Get('alert-deliveries')
  async deliveries(@AuthTenant() tenantId: string, @Query() q: ListDeliveriesQuery) {
    return { items: await this.alerts.listDeliveries(tenantId, { ...(q.status ? { status: q.status } : {}), limit: q.limit ?? 100 }) };
  }

  @Get('alert-deliveries/:deliveryId')
  async delivery(@AuthTenant() tenantId: string, @Param('deliveryId') deliveryId: string) {
    const found = await this.alerts.delivery(tenantId, deliveryId);
    if (!found) throw new NotFoundException({ code: 'DELIVERY_NOT_FOUND', message: 'no such delivery' });
    return { ...found.delivery, log: found.attempts };
  }

  @Get('alert-endpoint')
  async endpoint(@AuthTenant() tenantId: string) {
    const view = await this.endpoints.view(tenantId);
    if (!view) throw new NotFoundException({ code: 'ALERT_ENDPOINT_NOT_SET', message: 'no alert endpoint configured' });
    return view;
  }
}

/**
 * Operators set a tenant's alert URL (and optionally its signing secret).
 * The URL is checked when set: https (plain http in development, or to a
 * host EGRESS_ALLOW names), no credentials, no internal address literal
 * (400 `ALERT_URL_NOT_ALLOWED`). Host names are checked again, on what they
 * resolve to, every time a delivery connects.
 */
@Controller('admin/tenants')
@UseGuards(AdminTokenGuard)
@UseFilters(TenancyErrorFilter)
export class AlertEndpointAdminController {
  constructor(
    private readonly tenants: TenantRepository,
    private readonly endpoints: AlertEndpointRepository,
    private readonly outbound: OutboundHttp,
    @Inject(runtimeSection.token) private readonly runtime: RuntimeConfig,
  ) {}

  @Put(':id/alert-endpoint')
  @AdminAction('alert-endpoint.set')
  async put(@Param('id') tenantId: string, @Body() body: PutAlertEndpointBody) {
    const check = this.outbound.checkUrl(body.url, { allowPlainHttp: this.runtime.env === 'development' });
    if (!check.ok) throw new BadRequestException({ code: 'ALERT_URL_NOT_ALLOWED', message: `url: ${check.message}`, reason: check.reason });
    if (!(await this.tenants.exists(tenantId))) throw new TenancyError('TENANT_NOT_FOUND', `tenant ${tenantId} does not exist`);
    return this.endpoints.put(tenantId, check.url.href, body.signingSecret);
  }
}
