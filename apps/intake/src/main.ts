import 'reflect-metadata';

import { ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger } from 'nestjs-pino';

import { loadConfigFromEnv } from '@wahooks/config';
import { configureBodyParsing, InflightBudget, intakeClientErrorHandler, KAFKA, registerWebhookRoutes, WebhookFastPath, WebhookIntakeService } from '@wahooks/intake-feature';
import type { KafkaClients } from '@wahooks/kafka';
import { createRootLogger, installShutdownDeadline, routeProcessWarnings } from '@wahooks/observability';

import { attachAdminApp, listenIntake } from './admin-app';
import { AppModule } from './app.module';
import { IntakeAppConfig, intakeConfig } from './config';

export { listenIntake } from './admin-app';

/**
 * The intake: the Meta-facing app (returned; webhooks and status-only probes
 * on HTTP_PORT) with its private app attached (admin API, /metrics, health
 * details on ADMIN_HTTP_PORT, admin-app.ts). `listenIntake` opens both;
 * closing the returned app closes both.
 */
export async function createIntakeApp(config: IntakeAppConfig): Promise<NestFastifyApplication> {
  const logger = createRootLogger('intake', config.runtime.logLevel);
  routeProcessWarnings(logger);
  // A short keep-alive bounds how long a graceful close waits for idle sockets (Fastify defaults to 72 s).
  const keepAliveTimeout = 5000;
  // Meta's POSTs go straight from node:http to the intake service; Fastify owns the server and everything else.
  // A client that declares a body and then stalls is cut off after 30 s instead of holding its socket forever.
  const fastPath = new WebhookFastPath({ bodyLimit: config.intake.bodyLimitBytes, keepAliveTimeoutMs: keepAliveTimeout, requestTimeoutMs: 30_000 });
  const adapter = new FastifyAdapter({
    bodyLimit: config.intake.bodyLimitBytes,
    return503OnClosing: true,
    keepAliveTimeout,
    serverFactory: fastPath.serverFactory,
    // A request not received within requestTimeout gets 503 (Meta retries), not Fastify's 408 (Meta drops it).
    clientErrorHandler: intakeClientErrorHandler,
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config, logger), adapter, {
    bufferLogs: true,
    abortOnError: false,
    // Our own parser (configureBodyParsing) keeps webhook bodies as raw bytes.
    bodyParser: false,
  });
  app.useLogger(app.get(Logger));
  app.useGlobalPipes(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }));
  const fastify = app.getHttpAdapter().getInstance();
  configureBodyParsing(fastify, config.intake.bodyLimitBytes);
  // One budget of request-body bytes in flight for both ways in.
  const budget = app.get(InflightBudget);
  registerWebhookRoutes(fastify, app.get(WebhookIntakeService), budget, config.intake.bodyLimitBytes);
  fastify.addHook('preClose', (done) => {
    fastPath.startClosing();
    done();
  });
  fastPath.attach(app.get(WebhookIntakeService), budget);
  app.enableShutdownHooks();
  await attachAdminApp(app, config, logger);
  return app;
}

async function main(): Promise<void> {
  const config = loadConfigFromEnv(intakeConfig);
  installShutdownDeadline(config.shutdown.graceMs, (m) => process.stderr.write(`${m}\n`));
  const app = await createIntakeApp(config);
  // A refused login or an untrusted certificate stops the process here, with the broker's words.
  await app.get<KafkaClients>(KAFKA).preflight();
  await listenIntake(app, config);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    // Config errors name the bad variables, never their values.
    process.stderr.write(`intake failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
