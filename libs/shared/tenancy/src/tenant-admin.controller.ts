import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, UseFilters, UseGuards } from '@nestjs/common';

import { AdminAction } from './admin-audit';
import { AdminTokenGuard } from './admin-token.guard';
import { TenantAdminService } from './tenant-admin.service';
import { AddAppSecretDto, AddRoutesDto, CreateApiKeyDto, CreateTenantDto, UpdateTenantDto } from './tenant.dto';
import { TenantSummary } from './tenant.types';
import { TenancyErrorFilter } from './tenancy-error.filter';

@Controller('admin/tenants')
@UseGuards(AdminTokenGuard)
@UseFilters(TenancyErrorFilter)
export class TenantAdminController {
  constructor(private readonly tenants: TenantAdminService) {}

  @Post()
  @AdminAction('tenant.create')
  create(@Body() dto: CreateTenantDto): Promise<TenantSummary> {
    return this.tenants.create(dto);
  }

  @Get()
  @AdminAction('tenant.list')
  list(): Promise<TenantSummary[]> {
    return this.tenants.list();
  }

  @Get(':id')
  @AdminAction('tenant.get')
  get(@Param('id') id: string): Promise<TenantSummary> {
    return this.tenants.get(id);
  }

  @Patch(':id')
  @AdminAction('tenant.update')
  update(@Param('id') id: string, @Body() dto: UpdateTenantDto): Promise<TenantSummary> {
    return this.tenants.update(id, dto);
  }

  @Post(':id/app-secrets')
  @AdminAction('app-secret.add')
  addSecret(@Param('id') id: string, @Body() dto: AddAppSecretDto): Promise<{ id: string }> {
    return this.tenants.addAppSecret(id, dto.secret, dto.label ?? 'rotation');
  }

  @Delete(':id/app-secrets/:secretId')
  @AdminAction('app-secret.revoke')
  @HttpCode(204)
  revokeSecret(@Param('id') id: string, @Param('secretId') secretId: string): Promise<void> {
    return this.tenants.revokeAppSecret(id, secretId);
  }

  @Post(':id/routes')
  @AdminAction('routes.add')
  addRoutes(@Param('id') id: string, @Body() dto: AddRoutesDto): Promise<TenantSummary> {
    return this.tenants.addRoutes(id, dto.wabaIds ?? [], dto.phoneNumberIds ?? []);
  }

  @Post(':id/api-keys')
  @AdminAction('api-key.create')
  createApiKey(@Param('id') id: string, @Body() dto: CreateApiKeyDto): Promise<{ id: string; apiKey: string }> {
    return this.tenants.createApiKey(id, dto.name);
  }

  @Delete(':id/api-keys/:keyId')
  @AdminAction('api-key.revoke')
  @HttpCode(204)
  revokeApiKey(@Param('id') id: string, @Param('keyId') keyId: string): Promise<void> {
    return this.tenants.revokeApiKey(id, keyId);
  }
}
