import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

import { InflightBudget } from './inflight-budget';
import { INTERNAL_FAILURE, IntakeOutcome, IntakeRequest } from './intake.types';
import { outcomeResponse } from './outcome-response';
import { RouteAdmission } from './route-admission';
import { WebhookIntakeService } from './webhook-intake.service';

/**
 * Meta's POSTs are the hot path, so they are plain Fastify routes calling the
 * Nest-managed WebhookIntakeService directly: no Nest router, pipes or
 * per-request logging middleware in between (together they cost as much CPU
 * per request as the whole Kafka write). Everything else — handshake, admin
 * and read APIs, health — stays in Nest controllers. (Most webhook POSTs do
 * not even reach these routes: see webhook-fast-path.ts.)
 *
 * Status codes are the contract with Meta: it retries 5xx and timeouts for
 * days and drops 4xx for good, so every failure of our own (including an
 * unexpected exception) is a 503 and only bad input is a 4xx.
 */
export function registerWebhookRoutes(app: FastifyInstance, intake: WebhookIntakeService, budget: InflightBudget, bodyLimit: number): void {
  const admission = new RouteAdmission(intake, budget, bodyLimit);
  const options = { preParsing: admission.preParsing, errorHandler: admission.errorHandler };
  app.post('/webhooks/whatsapp', options, (req, reply) =>
    handle(reply, () => admission.hold(req, () => intake.ingestForPlatform(intakeRequest(req)))),
  );
  app.post<{ Params: { tenantId: string } }>('/webhooks/whatsapp/:tenantId', options, (req, reply) =>
    handle(reply, () => admission.hold(req, () => intake.ingestForTenant(req.params.tenantId, intakeRequest(req)))),
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
    outcome = INTERNAL_FAILURE;
  }
  sendOutcome(reply, outcome);
}

export function sendOutcome(reply: FastifyReply, outcome: IntakeOutcome): void {
  const { status, headers, body } = outcomeResponse(outcome);
  reply.code(status).headers(headers).send(body);
}
