import { DynamicModule, Global, Module } from '@nestjs/common';
import type { Logger } from 'pino';

import { loggingModule, ROOT_LOGGER } from './logging';
import { MetricsController } from './metrics.controller';
import { MetricsService } from './metrics.service';

export interface ObservabilityOptions {
  /**
   * Serve /metrics from this app (default). The intake's Meta-facing app
   * says no: its metrics are served by its private app (apps/intake/src/admin-app.ts).
   */
  metricsEndpoint?: boolean;
}

/** Logging (pino, JSON), the metrics registry and /metrics, for every app. */
@Global()
@Module({})
export class ObservabilityModule {
  static forRoot(logger: Logger, options: ObservabilityOptions = {}): DynamicModule {
    return {
      module: ObservabilityModule,
      imports: [loggingModule(logger)],
      providers: [MetricsService, { provide: ROOT_LOGGER, useValue: logger }],
      controllers: options.metricsEndpoint === false ? [] : [MetricsController],
      exports: [MetricsService, ROOT_LOGGER],
    };
  }
}
