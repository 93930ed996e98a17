import { DynamicModule, RequestMethod } from '@nestjs/common';
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

/** Query parameters whose values never reach a log line (a refused handshake carries Meta's verify token). */
const SECRET_QUERY = /^(hub\.verify_token|.*(token|secret|password|key|signature).*)$/i;

/** The URL as logged: the path, and the query with secret-looking values replaced. */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const params = new URLSearchParams(url.slice(q + 1));
  for (const name of new Set(params.keys())) if (SECRET_QUERY.test(name)) params.set(name, '[redacted]');
  return `${url.slice(0, q)}?${params.toString()}`;
}

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
 * requests log at debug. Meta's webhook POSTs are excluded from per-request
 * logging altogether: at thousands per second even a skipped debug line
 * costs a child logger per request; the intake logs their failures itself,
 * with tenant and delivery id.
 */
export function loggingModule(logger: Logger): DynamicModule {
  return LoggerModule.forRoot({
    // nestjs-pino's default pattern never matches under platform-fastify 12: say it explicitly.
    forRoutes: [{ path: '{*path}', method: RequestMethod.ALL }],
    exclude: [{ path: 'webhooks/{*path}', method: RequestMethod.POST }],
    pinoHttp: {
      logger,
      customLogLevel: (_req, res, err) =>
        err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'debug',
      customProps: (req) => {
        const tenantId = (req as { tenantId?: string }).tenantId;
        return tenantId ? { tenant: tenantId } : {};
      },
      serializers: {
        req: (req: { method: string; url: string; id: unknown }) => ({ id: req.id, method: req.method, url: redactUrl(req.url) }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
    },
  });
}

/**
 * Process warnings as JSON log lines instead of Node's plain stderr text.
 * kafkajs 2.2.4 schedules a timer with a negative delay on every connection
 * (Node 24 warns: TimeoutNegativeWarning, harmless, clamped to 1 ms); that
 * one is dropped so it does not teach operators to ignore warnings.
 */
export function routeProcessWarnings(logger: Logger): void {
  process.removeAllListeners('warning');
  process.on('warning', (warning) => {
    if (warning.name === 'TimeoutNegativeWarning') return;
    logger.warn({ warning: { name: warning.name, message: warning.message } }, 'process warning');
  });
}
