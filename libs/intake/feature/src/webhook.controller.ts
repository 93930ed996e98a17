import { Controller, Get, Headers, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';

import { TenantDirectory } from '@wahooks/tenancy';

import { HandshakeOutcome, HandshakeQuery, IntakeOutcome } from './intake.types';
import { WebhookIntakeService } from './webhook-intake.service';

/**
 * Meta's callback URLs. Status codes are the contract with Meta: it retries
 * 5xx and timeouts for days and drops 4xx for good, so every failure of our
 * own is a 503 and only bad input is a 4xx.
 */
@Controller('webhooks/whatsapp')
export class WebhookController {
  constructor(
    private readonly intake: WebhookIntakeService,
    private readonly tenants: TenantDirectory,
  ) {}

  @Get()
  platformHandshake(@Query() query: HandshakeQuery, @Res() reply: FastifyReply): void {
    sendHandshake(reply, this.intake.handshake('platform', query));
  }

  @Get(':tenantId')
  async tenantHandshake(@Param('tenantId') tenantId: string, @Query() query: HandshakeQuery, @Res() reply: FastifyReply) {
    sendHandshake(reply, this.intake.handshake(await this.tenants.byId(tenantId), query));
  }

  @Post()
  @HttpCode(200)
  async platformDelivery(@Req() req: FastifyRequest, @Headers() headers: Record<string, string>, @Res() reply: FastifyReply) {
    sendOutcome(reply, await this.intake.ingestForPlatform(intakeRequest(req, headers)));
  }

  @Post(':tenantId')
  @HttpCode(200)
  async tenantDelivery(
    @Param('tenantId') tenantId: string,
    @Req() req: FastifyRequest,
    @Headers() headers: Record<string, string>,
    @Res() reply: FastifyReply,
  ) {
    (req as { tenantId?: string }).tenantId = tenantId;
    sendOutcome(reply, await this.intake.ingestForTenant(tenantId, intakeRequest(req, headers)));
  }
}

function intakeRequest(req: FastifyRequest, headers: Record<string, string>) {
  return {
    rawBody: Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0),
    signatureHeader: headers['x-hub-signature-256'],
    traceparent: headers['traceparent'],
    receivedAt: new Date(),
  };
}

function sendHandshake(reply: FastifyReply, outcome: HandshakeOutcome): void {
  switch (outcome.kind) {
    case 'ok':
      reply.status(200).type('text/plain; charset=utf-8').send(outcome.challenge);
      return;
    case 'forbidden':
      reply.status(403).send({ code: 'VERIFY_TOKEN_MISMATCH', message: 'hub.mode or hub.verify_token is wrong' });
      return;
    case 'unknown-tenant':
      reply.status(404).send({ code: 'UNKNOWN_TENANT', message: 'no such tenant' });
      return;
  }
}

function sendOutcome(reply: FastifyReply, outcome: IntakeOutcome): void {
  switch (outcome.kind) {
    case 'accepted':
      reply.status(200).send({ status: 'accepted', deliveryId: outcome.deliveryId });
      return;
    case 'bad-signature':
      reply.status(401).send({ code: 'INVALID_SIGNATURE', message: 'X-Hub-Signature-256 does not match the body' });
      return;
    case 'unknown-tenant':
      reply.status(404).send({ code: 'UNKNOWN_TENANT', message: 'no tenant owns this delivery' });
      return;
    case 'malformed':
      reply.status(400).send({ code: 'MALFORMED_BODY', message: outcome.message });
      return;
    case 'unavailable':
      reply
        .status(503)
        .header('retry-after', '5')
        .send({ code: 'BROKER_UNAVAILABLE', message: 'not persisted; retry', reason: outcome.reason });
      return;
  }
}
