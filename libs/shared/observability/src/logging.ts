import type { DynamicModule } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import pino, { Logger } from 'pino';

/**
 * Paths never written to logs. Secrets are also never put in log calls; this
 * is the second line of defence for request dumps.
 */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'req.headers.cookie',
  '*.appSecret',
  '*.appSecrets',
  '*.secret',
  '*.verifyToken',
  '*.apiKey',
  '*.password',
];

export const ROOT_LOGGER = Symbol('ROOT_LOGGER');

/** The process's root JSON logger; every other logger is a child of it. */
export function createRootLogger(service: string, level: string): Logger {
  return pino({
    level,
    base: { service },
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  });
}

/**
 * Nest's logger and per-request logging on the root logger. Successful
 * requests log at debug: at thousands of webhooks per second an info line
 * per request would be the bottleneck.
 */
export function loggingModule(logger: Logger): DynamicModule {
  return LoggerModule.forRoot({
    pinoHttp: {
      logger,
      customLogLevel: (_req, res, err) =>
        err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'debug',
      customProps: (req) => {
        const tenantId = (req as { tenantId?: string }).tenantId;
        return tenantId ? { tenant: tenantId } : {};
      },
      serializers: {
        req: (req: { method: string; url: string; id: unknown }) => ({ id: req.id, method: req.method, url: req.url }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
    },
  });
}
