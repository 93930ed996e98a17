import { Module } from '@nestjs/common';

import { AdminTokenGuard } from './admin-token.guard';
import { ApiKeyGuard } from './api-key.guard';
import { TenantAdminController } from './tenant-admin.controller';
import { TenantAdminService } from './tenant-admin.service';
import { TenantDirectory } from './tenant-directory';
import { TenantRepository } from './tenant.repository';

/** Tenant registry: repository, admin service, hot-path directory and guards. Needs PrismaModule and ConfigModule. */
@Module({
  providers: [TenantRepository, TenantAdminService, TenantDirectory, AdminTokenGuard, ApiKeyGuard],
  exports: [TenantRepository, TenantAdminService, TenantDirectory, ApiKeyGuard],
})
export class TenancyModule {}

/** TenancyModule plus the admin HTTP API. */
@Module({ imports: [TenancyModule], controllers: [TenantAdminController], exports: [TenancyModule] })
export class TenancyAdminModule {}
