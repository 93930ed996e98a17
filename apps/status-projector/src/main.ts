import 'reflect-metadata';

import { ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Kafka } from 'kafkajs';
import { Logger } from 'nestjs-pino';

import { AppConfig, loadConfigFromEnv } from '@wahooks/config';
import { ConsumerHealth, KafkaBatchServer } from '@wahooks/consumer-runtime';
import { createRootLogger, installShutdownDeadline, MetricsService, routeProcessWarnings } from '@wahooks/observability';

import { AppModule } from './app.module';
import { CONSUMER_HEALTH, DEFAULT_GROUP_ID, KAFKA } from './kafka.providers';

/** HTTP (read API, health, metrics) and the Kafka consumer in one process. */
export async function createStatusProjectorApp(config: AppConfig): Promise<NestFastifyApplication> {
  const logger = createRootLogger('status-projector', config.logLevel);
  routeProcessWarnings(logger);
  const adapter = new FastifyAdapter({ bodyLimit: 10 * 1024 * 1024, return503OnClosing: true, keepAliveTimeout: 5000 });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config, logger), adapter, { bufferLogs: true, abortOnError: false });
  app.useLogger(app.get(Logger));
  app.useGlobalPipes(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }));
  app.connectMicroservice(
    {
      strategy: new KafkaBatchServer({
        kafka: app.get<Kafka>(KAFKA),
        groupId: config.consumer.groupId ?? DEFAULT_GROUP_ID,
        logger,
        metrics: app.get(MetricsService),
        health: app.get<ConsumerHealth>(CONSUMER_HEALTH),
        fromBeginning: config.consumer.fromBeginning,
      }),
    },
    { inheritAppConfig: false },
  );
  app.enableShutdownHooks();
  return app;
}

async function main(): Promise<void> {
  const config = loadConfigFromEnv();
  installShutdownDeadline(config.shutdownGraceMs, (m) => process.stderr.write(`${m}\n`));
  const app = await createStatusProjectorApp(config);
  await app.startAllMicroservices();
  await app.listen(config.http.port, config.http.host);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`status-projector failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
