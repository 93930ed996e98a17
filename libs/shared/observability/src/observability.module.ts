import { DynamicModule, Global, Module } from '@nestjs/common';
import type { Logger } from 'pino';

import { loggingModule, ROOT_LOGGER } from './logging';
import { MetricsController } from './metrics.controller';
import { MetricsService } from './metrics.service';

/** Logging (pino, JSON), the metrics registry and /metrics, for every app. */
@Global()
@Module({})
export class ObservabilityModule {
  static forRoot(logger: Logger): DynamicModule {
    return {
      module: ObservabilityModule,
      imports: [loggingModule(logger)],
      providers: [MetricsService, { provide: ROOT_LOGGER, useValue: logger }],
      controllers: [MetricsController],
      exports: [MetricsService, ROOT_LOGGER],
    };
  }
}
