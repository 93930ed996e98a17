/**
 * Drops and rebuilds the status projection from the event store:
 *   npm run rebuild:status
 * Stop the status-projector consumers first (see docs/status-projector.md).
 */
import 'reflect-metadata';

import { NestFactory } from '@nestjs/core';

import { loadConfigFromEnv } from '@wahooks/config';
import { createRootLogger } from '@wahooks/observability';
import { StatusRebuilder } from '@wahooks/status-feature';

import { AppModule } from './app.module';

async function main(): Promise<void> {
  const config = loadConfigFromEnv();
  const app = await NestFactory.createApplicationContext(AppModule.forRoot(config, createRootLogger('status-rebuild', config.logLevel), { background: false }), { logger: ['error', 'warn'] });
  try {
    const started = Date.now();
    const result = await app.get(StatusRebuilder).rebuild();
    process.stdout.write(`${JSON.stringify({ ...result, seconds: (Date.now() - started) / 1000 })}\n`);
  } finally {
    await app.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`rebuild failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
