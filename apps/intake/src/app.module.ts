import { DynamicModule, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import type { Logger } from 'pino';

import { AppConfig, ConfigModule } from '@wahooks/config';
import { IntakeModule } from '@wahooks/intake-feature';
import { ObservabilityModule } from '@wahooks/observability';
import { PrismaModule } from '@wahooks/prisma';
import { TenancyAdminModule } from '@wahooks/tenancy';

import { HealthController } from './health.controller';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig, logger: Logger): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        ObservabilityModule.forRoot(logger),
        PrismaModule,
        TerminusModule.forRoot({ logger: false }),
        TenancyAdminModule,
        IntakeModule,
      ],
      controllers: [HealthController],
    };
  }
}
