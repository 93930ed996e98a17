/**
 * The design most integrations copy: a NestJS controller that verifies the
 * signature and then awaits one kafkajs send() per request before answering
 * 200. Same framework and HTTP adapter as the intake (NestJS on Fastify), so
 * the difference measured is the publishing design, not the HTTP stack.
 * Plain kafkajs producer: acks -1 (all in-sync replicas), the default
 * (Java-compatible murmur2) partitioner, no batching across requests.
 * Runs as a forked child; reports its port over IPC.
 *
 * With BENCH_NEST_PUBLISH=0 the same app answers 200 right after the
 * signature check, without Kafka: a diagnostic row that separates the
 * framework's cost from the publishing design's.
 *
 * With BENCH_NAIVE_IDEMPOTENT=1 the producer gets the intake's delivery
 * guarantees (idempotent, acks -1) and the handler is otherwise unchanged:
 * concurrent requests each await their own send(). kafkajs 2.2.4 itself
 * then sends one produce request at a time per broker: the idempotent
 * producer needs maxInFlightRequests 1, and holds a per-broker lock from
 * assigning a batch's sequence numbers until the broker answers
 * (eosManager.acquireBrokerLock, its fix for out-of-order sequence numbers
 * under concurrent sends, kafkajs#598).
 *
 * Environment: BENCH_APP_SECRET, KAFKA_BROKERS, BENCH_TOPIC, BENCH_NEST_PUBLISH, BENCH_NAIVE_IDEMPOTENT.
 */
import 'reflect-metadata';

import {
  Controller,
  Headers,
  HttpCode,
  Inject,
  Module,
  OnApplicationShutdown,
  OnModuleInit,
  Param,
  Post,
  Req,
  UnauthorizedException,
} from '@nestjs/common';
import type { RawBodyRequest } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyRequest } from 'fastify';
import { Kafka, logLevel, Partitioners, Producer } from 'kafkajs';

import { verifyMetaSignature } from '@wahooks/meta-contract';

import { announceListening, requireEnv } from './child-server';

const PRODUCER = Symbol('PRODUCER');
const secrets = [requireEnv('BENCH_APP_SECRET')];
const topic = requireEnv('BENCH_TOPIC');
const idempotent = process.env['BENCH_NAIVE_IDEMPOTENT'] === '1';

const brokers = requireEnv('KAFKA_BROKERS').split(',').map((b) => b.trim());
const publish = process.env['BENCH_NEST_PUBLISH'] !== '0';

@Controller('webhooks/whatsapp')
class NaiveWebhookController {
  constructor(@Inject(PRODUCER) private readonly producer: Producer) {}

  @Post(':tenantId')
  @HttpCode(200)
  async receive(
    @Param('tenantId') tenantId: string,
    @Headers('x-hub-signature-256') signature: string | undefined,
    @Req() req: RawBodyRequest<FastifyRequest>,
  ): Promise<{ status: string }> {
    const raw = req.rawBody ?? Buffer.alloc(0);
    if (!verifyMetaSignature(raw, signature, secrets)) throw new UnauthorizedException('bad signature');
    if (!publish) return { status: 'accepted' };
    await this.producer.send({
      topic,
      acks: -1,
      messages: [
        {
          key: tenantId,
          value: raw,
          headers: { 'wahooks-tenant-id': tenantId, 'x-hub-signature-256': signature ?? '', 'wahooks-received-at': new Date().toISOString() },
        },
      ],
    });
    return { status: 'accepted' };
  }
}

@Module({
  controllers: [NaiveWebhookController],
  providers: [
    {
      provide: PRODUCER,
      useFactory: () =>
        new Kafka({ clientId: 'wahooks-bench-naive', brokers, logLevel: logLevel.WARN }).producer({
          createPartitioner: Partitioners.DefaultPartitioner,
          allowAutoTopicCreation: false,
          ...(idempotent ? { idempotent: true, maxInFlightRequests: 1 } : {}),
        }),
    },
  ],
})
class NaiveAppModule implements OnModuleInit, OnApplicationShutdown {
  constructor(@Inject(PRODUCER) private readonly producer: Producer) {}

  async onModuleInit(): Promise<void> {
    if (publish) await this.producer.connect();
  }

  async onApplicationShutdown(): Promise<void> {
    if (publish) await this.producer.disconnect();
  }
}

async function main(): Promise<void> {
  const app = await NestFactory.create<NestFastifyApplication>(NaiveAppModule, new FastifyAdapter(), {
    rawBody: true,
    logger: ['error', 'warn'],
  });
  app.enableShutdownHooks();
  await app.listen(0, '127.0.0.1');
  announceListening(publish ? 'naive-nest' : 'nest-verify-only', app.getHttpServer().address());
}

main().catch((error: unknown) => {
  process.stderr.write(`naive-nest failed to start: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
