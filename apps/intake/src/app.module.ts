import { DynamicModule, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import type { Logger } from 'pino';

import { ConfigModule } from '@wahooks/config';
import { IntakeModule } from '@wahooks/intake-feature';
import { ObservabilityModule } from '@wahooks/observability';
import { PrismaModule } from '@wahooks/prisma';
import { TenancyModule } from '@wahooks/tenancy';

import { IntakeAppConfig, intakeConfig } from './config';
import { PublicHealthController } from './public-health.controller';
import { intakeReadiness } from './readiness';

/**
 * The Meta-facing app: webhooks and status-only probes, and every provider
 * of the process. The admin API, /metrics and the health details are served
 * by the private app (admin-app.ts) over these same instances.
 */
@Module({})
export class AppModule {
  static forRoot(config: IntakeAppConfig, logger: Logger): DynamicModule {
    return {
      module: AppModule,
      imports: [
        // The intake's sections and no others, whatever else `config` holds (the test kit's holds every section).
        ConfigModule.forRoot(config, intakeConfig),
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
