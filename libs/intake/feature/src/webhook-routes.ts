import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

import { IntakeOutcome, IntakeRequest } from './intake.types';
import { WebhookIntakeService } from './webhook-intake.service';

/**
 * Meta's POSTs are the hot path, so they are plain Fastify routes calling the
 * Nest-managed WebhookIntakeService directly: no Nest router, pipes or
 * per-request logging middleware in between (together they cost as much CPU
 * per request as the whole Kafka write). Everything else — handshake, admin
 * and read APIs, health — stays in Nest controllers.
 *
 * Status codes are the contract with Meta: it retries 5xx and timeouts for
 * days and drops 4xx for good, so every failure of our own (including an
 * unexpected exception) is a 503 and only bad input is a 4xx.
 */
export function registerWebhookRoutes(app: FastifyInstance, intake: WebhookIntakeService): void {
  app.post('/webhooks/whatsapp', (req, reply) => handle(reply, () => intake.ingestForPlatform(intakeRequest(req))));
  app.post<{ Params: { tenantId: string } }>('/webhooks/whatsapp/:tenantId', (req, reply) =>
    handle(reply, () => intake.ingestForTenant(req.params.tenantId, intakeRequest(req))),
  );
}

function intakeRequest(req: FastifyRequest): IntakeRequest {
  const signature = req.headers['x-hub-signature-256'];
  const traceparent = req.headers['traceparent'];
  return {
    rawBody: Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0),
    signatureHeader: typeof signature === 'string' ? signature : undefined,
    traceparent: typeof traceparent === 'string' ? traceparent : undefined,
    receivedAt: new Date(),
  };
}

async function handle(reply: FastifyReply, run: () => Promise<IntakeOutcome>): Promise<void> {
  let outcome: IntakeOutcome;
  try {
    outcome = await run();
  } catch (error) {
    reply.log?.error?.({ err: error }, 'webhook intake failed unexpectedly; answering 503');
    outcome = { kind: 'unavailable', reason: 'broker', message: 'internal failure' };
  }
  sendOutcome(reply, outcome);
}

export function sendOutcome(reply: FastifyReply, outcome: IntakeOutcome): void {
  const { status, headers, body } = outcomeResponse(outcome);
  reply.code(status).headers(headers).send(body);
}

const UNAVAILABLE_CODES: Record<Extract<IntakeOutcome, { kind: 'unavailable' }>['reason'], string> = {
  timeout: 'BROKER_UNAVAILABLE',
  overloaded: 'BROKER_UNAVAILABLE',
  broker: 'BROKER_UNAVAILABLE',
  secrets: 'SECRETS_UNAVAILABLE',
  memory: 'OVERLOADED',
};

/** The HTTP answer to an outcome, shared by the Fastify routes and the node:http fast path. */
export function outcomeResponse(outcome: IntakeOutcome): { status: number; headers: Record<string, string>; body: object } {
  switch (outcome.kind) {
    case 'accepted':
      return { status: 200, headers: {}, body: { status: 'accepted', deliveryId: outcome.deliveryId } };
    case 'bad-signature':
      return { status: 401, headers: {}, body: { code: 'INVALID_SIGNATURE', message: 'X-Hub-Signature-256 does not match the body' } };
    case 'unknown-tenant':
      return { status: 404, headers: {}, body: { code: 'UNKNOWN_TENANT', message: 'no tenant owns this delivery' } };
    case 'malformed':
      return { status: 400, headers: {}, body: { code: 'MALFORMED_BODY', message: outcome.message } };
    case 'unavailable':
      return {
        status: 503,
        headers: { 'retry-after': '5' },
        body: { code: UNAVAILABLE_CODES[outcome.reason], message: 'not persisted; retry', reason: outcome.reason },
      };
  }
}
