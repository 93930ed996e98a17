import { DynamicModule, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import type { Logger } from 'pino';

import { AppConfig, ConfigModule } from '@wahooks/config';
import { ObservabilityModule } from '@wahooks/observability';
import { PrismaModule } from '@wahooks/prisma';
import { TemplateMonitorModule } from '@wahooks/template-feature';

import { BackgroundWork } from './background.service';
import { HealthController } from './health.controller';
import { kafkaProviders } from './kafka.providers';

@Module({})
export class AppModule {
  /** `background: false` for one-off commands (rebuild): no relay, no alert dispatcher. */
  static forRoot(config: AppConfig, logger: Logger, options: { background: boolean } = { background: true }): DynamicModule {
    return {
      module: AppModule,
      imports: [ConfigModule.forRoot(config), ObservabilityModule.forRoot(logger), PrismaModule, TerminusModule.forRoot({ logger: false }), TemplateMonitorModule],
      providers: [...kafkaProviders, ...(options.background ? [BackgroundWork] : [])],
      controllers: [HealthController],
      exports: [...kafkaProviders],
    };
  }
}
