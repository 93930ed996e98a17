import { DynamicModule, Module } from '@nestjs/common';

import { AdminTokenGuard } from './admin-token.guard';
import { ApiKeyGuard } from './api-key.guard';
import { TenantAdminController } from './tenant-admin.controller';
import { TenantAdminService } from './tenant-admin.service';
import { TenantDirectory } from './tenant-directory';
import { TenantRepository } from './tenant.repository';

/**
 * Tenant registry: repository, admin service, hot-path directory and the API-key guard.
 * Needs PrismaModule and ConfigModule with the sections `encryption` and `tenantDirectory`.
 * The admin token guard is TenantAdminApiModule's: what serves no admin API needs no admin token.
 */
@Module({
  providers: [TenantRepository, TenantAdminService, TenantDirectory, ApiKeyGuard],
  exports: [TenantRepository, TenantAdminService, TenantDirectory, ApiKeyGuard],
})
export class TenancyModule {}

/**
 * The admin HTTP API (`/admin/tenants…`) over a TenantAdminService owned by
 * another Nest app in the same process: the intake serves it from its private
 * app, over the very service (and TenantDirectory) its webhook path uses, so a
 * write is seen by the next webhook at once. Needs ConfigModule with the section `adminApi` (the guard's token).
 */
@Module({})
export class TenantAdminApiModule {
  static over(service: TenantAdminService): DynamicModule {
    return {
      module: TenantAdminApiModule,
      providers: [{ provide: TenantAdminService, useValue: service }, AdminTokenGuard],
      controllers: [TenantAdminController],
    };
  }
}

/**
 * What the consumer services need of the registry: the API-key guard of their
 * read APIs and existence checks. No TenantDirectory (it reloads every tenant
 * and decrypts their Meta app secrets every TENANT_CACHE_TTL_MS), so their
 * database roles need no access to tenant_app_secrets (docs/security.md).
 */
@Module({ providers: [TenantRepository, ApiKeyGuard], exports: [TenantRepository, ApiKeyGuard] })
export class TenancyReadModule {}
