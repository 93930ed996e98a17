import { DynamicModule, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import type { Logger } from 'pino';

import { AppConfig, ConfigModule } from '@wahooks/config';
import { IntakeModule } from '@wahooks/intake-feature';
import { ObservabilityModule } from '@wahooks/observability';
import { PrismaModule } from '@wahooks/prisma';
import { TenancyModule } from '@wahooks/tenancy';

import { PublicHealthController } from './public-health.controller';
import { intakeReadiness } from './readiness';

/**
 * The Meta-facing app: webhooks and status-only probes, and every provider
 * of the process. The admin API, /metrics and the health details are served
 * by the private app (admin-app.ts) over these same instances.
 */
@Module({})
export class AppModule {
  static forRoot(config: AppConfig, logger: Logger): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        ObservabilityModule.forRoot(logger, { metricsEndpoint: false }),
        PrismaModule,
        TerminusModule.forRoot({ logger: false }),
        TenancyModule,
        IntakeModule,
      ],
      providers: [intakeReadiness],
      controllers: [PublicHealthController],
    };
  }
}
