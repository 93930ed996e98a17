import 'reflect-metadata';

import { Type, ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger } from 'nestjs-pino';

import { loadConfigFromEnv } from '@wahooks/config';
import { ConsumerHealth, KafkaBatchServer, RecordProof } from '@wahooks/consumer-runtime';
import { Topics } from '@wahooks/events-contract';
import type { ConsumedRecord, KafkaClients } from '@wahooks/kafka';
import { createRootLogger, installShutdownDeadline, MetricsService, routeProcessWarnings } from '@wahooks/observability';
import { auditAdminCalls } from '@wahooks/tenancy';

import { ConsumerServiceConfig, consumerServiceSections } from './consumer-config';
import { ConsumerServiceModule } from './consumer-service.module';
import { ConsumerServiceSpec } from './service-spec';
import { CONSUMER_HEALTH, KAFKA } from './tokens';
import { UnavailableFilter } from './unavailable.filter';

/** HTTP (read API, health, metrics) and the Kafka consumer (KafkaBatchServer) in one process. */
export async function createConsumerApp(spec: ConsumerServiceSpec, config: ConsumerServiceConfig): Promise<NestFastifyApplication> {
  const logger = createRootLogger(spec.name, config.runtime.logLevel);
  routeProcessWarnings(logger);
  const adapter = new FastifyAdapter({ bodyLimit: spec.bodyLimitBytes ?? 10 * 1024 * 1024, return503OnClosing: true, keepAliveTimeout: 5000 });
  const module = ConsumerServiceModule.forRoot(spec, config, logger, { background: true });
  const app = await NestFactory.create<NestFastifyApplication>(module, adapter, { bufferLogs: true, abortOnError: false });
  app.useLogger(app.get(Logger));
  app.useGlobalPipes(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }));
  // A database or broker outage is a 503 with Retry-After for API callers, as it is a retry for the consumer.
  app.useGlobalFilters(new UnavailableFilter(app.getHttpAdapter()));
  // template-monitor's operators' endpoint is an admin call like the intake's: the same audit line.
  auditAdminCalls(app.getHttpAdapter().getInstance(), logger);
  app.connectMicroservice(
    {
      strategy: new KafkaBatchServer({
        kafka: app.get<KafkaClients>(KAFKA),
        groupId: config.consumer.groupId ?? spec.defaultGroupId,
        logger,
        metrics: app.get(MetricsService),
        health: app.get<ConsumerHealth>(CONSUMER_HEALTH),
        fromBeginning: config.consumer.fromBeginning,
        sessionTimeoutMs: config.consumer.sessionTimeoutMs,
        heartbeatIntervalMs: config.consumer.heartbeatIntervalMs,
        // A raw record is handled only with the intake's proof (RecordProof): a forgery is dead-lettered.
        recordChecks: { [Topics.webhooksRaw]: proofCheck(new RecordProof(config.recordProof.keys)) },
      }),
    },
    { inheritAppConfig: false },
  );
  app.enableShutdownHooks();
  return app;
}

/** The sections a consumer service composes, from the environment. */
function loadServiceConfig(spec: ConsumerServiceSpec): ConsumerServiceConfig {
  return loadConfigFromEnv(consumerServiceSections(spec.config));
}

/** A consumer service's main(): its sections from the environment, bounded shutdown, consumer then HTTP. */
export function runConsumerService(spec: ConsumerServiceSpec): void {
  const main = async (): Promise<void> => {
    const config = loadServiceConfig(spec);
    installShutdownDeadline(config.shutdown.graceMs, (m) => process.stderr.write(`${m}\n`));
    const app = await createConsumerApp(spec, config);
    // A refused login or an untrusted certificate stops the process here, with the broker's words.
    await app.get<KafkaClients>(KAFKA).preflight();
    await app.startAllMicroservices();
    await app.listen(config.http.port, config.http.host);
  };
  main().catch((error: unknown) => {
    process.stderr.write(`${spec.name} failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}

/**
 * A service's rebuild command: the same module without background work, the
 * rebuilder's result printed as one JSON line. Stop the service's consumers first.
 */
export function runRebuild(spec: ConsumerServiceSpec, rebuilder: Type<{ rebuild(): Promise<object> }>): void {
  const main = async (): Promise<void> => {
    const config = loadServiceConfig(spec);
    const module = ConsumerServiceModule.forRoot(spec, config, createRootLogger(`${spec.name}-rebuild`, config.runtime.logLevel), { background: false });
    const app = await NestFactory.createApplicationContext(module, { logger: ['error', 'warn'] });
    try {
      const started = Date.now();
      const result = await app.get(rebuilder).rebuild();
      process.stdout.write(`${JSON.stringify({ ...result, seconds: (Date.now() - started) / 1000 })}\n`);
    } finally {
      await app.close();
    }
  };
  main().catch((error: unknown) => {
    process.stderr.write(`${spec.name} rebuild failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}

function proofCheck(proof: RecordProof): (record: ConsumedRecord) => void {
  return (record) => proof.verify(record);
}
