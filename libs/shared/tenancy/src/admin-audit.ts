import { ExecutionContext, SetMetadata } from '@nestjs/common';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';

const ADMIN_ACTION = 'wahooks:admin-action';

/** The one identity the admin token stands for: a bearer token names no person, only "whoever holds ADMIN_API_TOKEN". */
export const ADMIN_PRINCIPAL = 'admin';

/** The audit log's name for an admin route (`tenant.create`); a route without one is logged under its handler's name. */
export const AdminAction = (name: string): MethodDecorator => SetMetadata(ADMIN_ACTION, name);

/** What an audit line says about a call, noted by AdminTokenGuard as it decides. */
interface AdminCallNote {
  action: string;
  tenant: string | null;
  principal: string | null;
}

/** Keyed by the Fastify request the guard and the onResponse hook both see. */
const notes = new WeakMap<object, AdminCallNote>();

interface AdminRequest {
  params?: unknown;
  body?: unknown;
}

/**
 * Notes what an admin call asks (its action) and for whom (the tenant: the
 * route's `:id`, or the `id` of a tenant being created), before the token is
 * checked, so a refused call is logged as fully as an accepted one. Nothing
 * else of the body is ever read here: it carries app secrets and verify tokens.
 */
export function noteAdminCall(context: ExecutionContext): AdminCallNote {
  const request = context.switchToHttp().getRequest<AdminRequest>();
  const handler = context.getHandler();
  const named: unknown = Reflect.getMetadata(ADMIN_ACTION, handler);
  const note: AdminCallNote = {
    action: typeof named === 'string' ? named : `${context.getClass().name}.${handler.name}`,
    tenant: tenantOf(request),
    principal: null,
  };
  notes.set(request, note);
  return note;
}

function tenantOf(request: AdminRequest): string | null {
  const fromRoute = isRecord(request.params) ? request.params['id'] : undefined;
  const fromBody = isRecord(request.body) ? request.body['id'] : undefined;
  const tenant = typeof fromRoute === 'string' ? fromRoute : typeof fromBody === 'string' ? fromBody : undefined;
  // Caller-supplied: bounded, so a refused call cannot write a megabyte into the log.
  return tenant === undefined ? null : tenant.slice(0, 100);
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Buffer.isBuffer(value);

/**
 * One info line per admin call, whatever its outcome: the guard's 401, a
 * validation 400, a 409, an unknown admin route's 404, a 500. Written when
 * the response is sent (Fastify's onResponse), so the status is the one the
 * caller got. Who (principal, IP), what (method, route, action), for which
 * tenant, and the outcome: never a body, a header or a query string, so
 * never an app secret, verify token, API key or the bearer token.
 */
export function auditAdminCalls(app: FastifyInstance, logger: Logger, prefix = '/admin'): void {
  app.addHook('onResponse', (request: FastifyRequest, reply, done) => {
    const note = notes.get(request);
    const path = request.url.split('?', 1)[0] ?? '';
    if (note || path === prefix || path.startsWith(`${prefix}/`)) {
      logger.info(
        {
          audit: {
            principal: note?.principal ?? null,
            ip: request.ip,
            method: request.method,
            // The route's pattern when one matched; a path nobody routes is still an attempt worth seeing.
            route: request.routeOptions.url ?? path.slice(0, 200),
            action: note?.action ?? null,
            tenant: note?.tenant ?? null,
            status: reply.statusCode,
            ms: Math.round(reply.elapsedTime),
          },
        },
        'admin call',
      );
    }
    done();
  });
}
