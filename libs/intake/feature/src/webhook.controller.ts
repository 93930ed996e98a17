import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';

import { TenantDirectory } from '@wahooks/tenancy';

import { HandshakeOutcome, HandshakeQuery } from './intake.types';
import { WebhookIntakeService } from './webhook-intake.service';

/** Meta's verification handshakes (the POSTs are plain Fastify routes: see webhook-routes.ts). */
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
