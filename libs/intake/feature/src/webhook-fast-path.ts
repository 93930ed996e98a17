import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';

import { Logger } from '@nestjs/common';

import type { ResolvedTenant } from '@wahooks/tenancy';

import { JSON_MEDIA_TYPE } from './body-parsing';
import { InflightBudget } from './inflight-budget';
import { INTERNAL_FAILURE, IntakeOutcome, IntakeRequest, MEMORY_EXHAUSTED, UNKNOWN_TENANT } from './intake.types';
import { outcomeResponse } from './outcome-response';
import type { WebhookIntakeService } from './webhook-intake.service';

const PREFIX = '/webhooks/whatsapp';
// Fastify's default maxParamLength: longer tenant ids are Fastify's to refuse (414).
const MAX_TENANT_ID = 100;

type FastifyHandler = (req: IncomingMessage, res: ServerResponse) => void;

// One function for every request, not a closure each.
const ignore = (): void => undefined;

interface Attached {
  intake: WebhookIntakeService;
  budget: InflightBudget;
}

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
 * within the limit, while the app is not closing. Before its body is read
 * the tenant is looked up (404 unread if unknown) and the declared length
 * is admitted into the process-wide in-flight budget (503 unread if full). Everything else (chunked
 * bodies, wrong content types, oversize bodies, odd paths, requests during
 * shutdown) is handed to Fastify's webhook routes (webhook-routes.ts), which
 * answer it exactly as they always did: one behaviour, two ways in, the
 * same service and the same outcome-to-HTTP mapping (`outcomeResponse`).
 */
export class WebhookFastPath {
  private readonly logger = new Logger(WebhookFastPath.name);
  private attached: Attached | undefined;
  private closing = false;

  constructor(private readonly options: FastPathServerOptions) {}

  /** Called once the Nest app exists; until then Fastify's routes answer. */
  attach(intake: WebhookIntakeService, budget: InflightBudget): void {
    this.attached = { intake, budget };
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
    const attached = this.attached;
    if (req.method !== 'POST' || attached === undefined || this.closing) return false;
    const url = req.url ?? '';
    if (!url.startsWith(PREFIX)) return false;
    const tenant = tenantOf(url);
    if (tenant === null) return false;
    const type = req.headers['content-type'];
    if (type === undefined || !JSON_MEDIA_TYPE.test(type)) return false;
    const declared = req.headers['content-length'];
    if (declared === undefined) return false;
    const length = Number(declared);
    if (!Number.isSafeInteger(length) || length < 0 || length > this.options.bodyLimit) return false;

    // Who it is for is known from the URL: an unknown tenant gets its 404 before a byte of the body is read.
    const { intake } = attached;
    if (tenant === undefined) {
      if (intake.platformEnabled) this.receive(req, res, attached, undefined, length);
      else this.refuse(res, intake.refuseUnread('unknown', 'platform-url', UNKNOWN_TENANT));
      return true;
    }
    const found = intake.tenantFor(tenant);
    // The snapshot answers synchronously (the hot path); only an id it lacks waits for the directory.
    if (!(found instanceof Promise)) this.admit(req, res, attached, tenant, found, length);
    else {
      found.then(
        (t) => this.admit(req, res, attached, tenant, t, length),
        (error: unknown) => this.failed(res, error, tenant),
      );
    }
    return true;
  }

  private admit(req: IncomingMessage, res: ServerResponse, attached: Attached, tenantId: string, tenant: ResolvedTenant | undefined, length: number): void {
    if (tenant === undefined) this.refuse(res, attached.intake.refuseUnread('unknown', 'tenant-url', UNKNOWN_TENANT));
    else this.receive(req, res, attached, tenantId, length);
  }

  /**
   * Reads the body within the in-flight budget (inflight-budget.ts). The
   * declared length is taken up front, held while the body arrives and while
   * the service waits for the broker, and released exactly once: when the
   * service has answered, or on 'close' if the body never arrived whole
   * (aborted, cut off by requestTimeout, socket error). A client that leaves
   * while its record waits for the broker does not release it early: the
   * bytes are still held until the service answers.
   */
  private receive(req: IncomingMessage, res: ServerResponse, { intake, budget }: Attached, tenant: string | undefined, length: number): void {
    // Gone while its tenant was looked up: 'close' was emitted already, and there is nothing to read or answer.
    if (req.destroyed) return;
    if (!budget.tryAcquire(length)) {
      this.refuse(res, intake.refuseUnread(tenant ?? 'platform', tenant === undefined ? 'platform-url' : 'tenant-url', MEMORY_EXHAUSTED));
      return;
    }
    const receivedAt = new Date();
    const chunks: Buffer[] = [];
    let received = false;
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('error', ignore); // client went away: nothing was published, nothing to answer
    req.on('close', () => {
      if (!received) budget.release(length);
    });
    req.on('end', () => {
      received = true;
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
        (outcome) => {
          budget.release(length);
          this.respond(res, outcome, false);
        },
        (error: unknown) => {
          budget.release(length);
          this.failed(res, error, tenant);
        },
      );
    });
  }

  private failed(res: ServerResponse, error: unknown, tenant: string | undefined): void {
    this.logger.error({ err: error, tenant }, 'webhook intake failed unexpectedly; answering 503');
    this.respond(res, INTERNAL_FAILURE, false);
  }

  /**
   * Answered before the body was read: the connection is closed after the
   * answer (`Connection: close`), or the client would go on sending the
   * body, and keeping the connection would mean reading it all.
   */
  private refuse(res: ServerResponse, outcome: IntakeOutcome): void {
    this.respond(res, outcome, true);
  }

  private respond(res: ServerResponse, outcome: IntakeOutcome, close: boolean): void {
    if (res.destroyed) return;
    const { status, headers, body } = outcomeResponse(outcome);
    const payload = JSON.stringify(body);
    // During shutdown the socket is not kept: the server can close without waiting out keep-alive.
    if (close || this.closing) res.shouldKeepAlive = false;
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
