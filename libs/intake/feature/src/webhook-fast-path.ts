import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';

import { Logger } from '@nestjs/common';

import { IntakeOutcome, IntakeRequest } from './intake.types';
import { outcomeResponse } from './webhook-routes';
import type { WebhookIntakeService } from './webhook-intake.service';

const PREFIX = '/webhooks/whatsapp';
// The same media types the Fastify route accepts (body-parsing.ts).
const JSON_TYPE = /^application\/([a-z.+-]*\+)?json\s*(;.*)?$/i;
// Fastify's default maxParamLength: longer tenant ids are Fastify's to refuse (414).
const MAX_TENANT_ID = 100;

type FastifyHandler = (req: IncomingMessage, res: ServerResponse) => void;

export interface FastPathServerOptions {
  bodyLimit: number;
  keepAliveTimeoutMs: number;
  /** Node's limit for receiving a whole request (Fastify's default). */
  requestTimeoutMs?: number;
}

/**
 * Meta's POSTs, answered straight from node:http: Fastify's request and reply
 * objects, hooks, content-type parser and Nest's middleware matcher cost
 * about a fifth of the intake's CPU per webhook, and the intake is CPU-bound
 * at full load. Installed as Fastify's `serverFactory`, so Fastify owns the
 * server (listen, close, idle-connection reaping) and every other request.
 *
 * Only the plain case is taken: POST to `/webhooks/whatsapp` or
 * `/webhooks/whatsapp/<tenant>`, a JSON content type and a Content-Length
 * within the limit, while the app is not closing. Everything else (chunked
 * bodies, wrong content types, oversize bodies, odd paths, requests during
 * shutdown) is handed to Fastify's webhook routes (webhook-routes.ts), which
 * answer it exactly as they always did: one behaviour, two ways in, the
 * same service and the same outcome-to-HTTP mapping (`outcomeResponse`).
 */
export class WebhookFastPath {
  private readonly logger = new Logger(WebhookFastPath.name);
  private intake: WebhookIntakeService | undefined;
  private closing = false;

  constructor(private readonly options: FastPathServerOptions) {}

  /** Called once the Nest app exists; until then Fastify's routes answer. */
  attach(intake: WebhookIntakeService): void {
    this.intake = intake;
  }

  /** From Fastify's preClose hook: from now on Fastify answers (503 while closing). */
  startClosing(): void {
    this.closing = true;
  }

  /** Fastify's `serverFactory` option. */
  readonly serverFactory = (fastifyHandler: FastifyHandler): Server => {
    const server = createServer((req, res) => {
      if (!this.tryHandle(req, res)) fastifyHandler(req, res);
    });
    // Fastify sets these on servers it creates itself, not on a factory's.
    server.keepAliveTimeout = this.options.keepAliveTimeoutMs;
    server.requestTimeout = this.options.requestTimeoutMs ?? 0;
    return server;
  };

  private tryHandle(req: IncomingMessage, res: ServerResponse): boolean {
    const intake = this.intake;
    if (req.method !== 'POST' || intake === undefined || this.closing) return false;
    const url = req.url ?? '';
    if (!url.startsWith(PREFIX)) return false;
    const tenant = tenantOf(url);
    if (tenant === null) return false;
    const type = req.headers['content-type'];
    if (type === undefined || !JSON_TYPE.test(type)) return false;
    const declared = req.headers['content-length'];
    if (declared === undefined) return false;
    const length = Number(declared);
    if (!Number.isSafeInteger(length) || length < 0 || length > this.options.bodyLimit) return false;

    const receivedAt = new Date();
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('error', () => undefined); // client went away: nothing was published, nothing to answer
    req.on('end', () => {
      const rawBody = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
      const signature = req.headers['x-hub-signature-256'];
      const traceparent = req.headers['traceparent'];
      const request: IntakeRequest = {
        rawBody,
        signatureHeader: typeof signature === 'string' ? signature : undefined,
        traceparent: typeof traceparent === 'string' ? traceparent : undefined,
        receivedAt,
      };
      const run = tenant === undefined ? intake.ingestForPlatform(request) : intake.ingestForTenant(tenant, request);
      run.then(
        (outcome) => this.respond(res, outcome),
        (error: unknown) => {
          this.logger.error({ err: error, tenant }, 'webhook intake failed unexpectedly; answering 503');
          this.respond(res, { kind: 'unavailable', reason: 'broker', message: 'internal failure' });
        },
      );
    });
    return true;
  }

  private respond(res: ServerResponse, outcome: IntakeOutcome): void {
    if (res.destroyed) return;
    const { status, headers, body } = outcomeResponse(outcome);
    const payload = JSON.stringify(body);
    // During shutdown the socket is not kept: the server can close without waiting out keep-alive.
    if (this.closing) res.shouldKeepAlive = false;
    res.writeHead(status, {
      ...headers,
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(payload),
    });
    res.end(payload);
  }
}

/**
 * undefined for the platform URL, the decoded tenant id for a tenant URL,
 * null for anything Fastify should route (trailing slash, deeper paths,
 * over-long or badly encoded ids).
 */
function tenantOf(url: string): string | undefined | null {
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  if (path.length === PREFIX.length) return undefined;
  if (path.charCodeAt(PREFIX.length) !== 0x2f /* / */) return null;
  const segment = path.slice(PREFIX.length + 1);
  if (segment.length === 0 || segment.length > MAX_TENANT_ID || segment.includes('/')) return null;
  if (!segment.includes('%')) return segment;
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}
