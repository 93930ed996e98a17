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
  switch (outcome.kind) {
    case 'accepted':
      reply.code(200).send({ status: 'accepted', deliveryId: outcome.deliveryId });
      return;
    case 'bad-signature':
      reply.code(401).send({ code: 'INVALID_SIGNATURE', message: 'X-Hub-Signature-256 does not match the body' });
      return;
    case 'unknown-tenant':
      reply.code(404).send({ code: 'UNKNOWN_TENANT', message: 'no tenant owns this delivery' });
      return;
    case 'malformed':
      reply.code(400).send({ code: 'MALFORMED_BODY', message: outcome.message });
      return;
    case 'unavailable':
      reply.code(503).header('retry-after', '5').send({ code: 'BROKER_UNAVAILABLE', message: 'not persisted; retry', reason: outcome.reason });
      return;
  }
}
