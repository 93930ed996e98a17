/**
 * Drops and rebuilds the fallback projections (messages, suppression list) from the event store:
 *   node dist/apps/fallback-trigger/src/rebuild.js
 * Stop the fallback-trigger consumers first (see docs/fallback-trigger.md).
 */
import 'reflect-metadata';

import { NestFactory } from '@nestjs/core';

import { loadConfigFromEnv } from '@wahooks/config';
import { createRootLogger } from '@wahooks/observability';
import { FallbackRebuilder } from '@wahooks/fallback-feature';

import { AppModule } from './app.module';

async function main(): Promise<void> {
  const config = loadConfigFromEnv();
  const app = await NestFactory.createApplicationContext(AppModule.forRoot(config, createRootLogger('fallback-rebuild', config.logLevel), { background: false }), { logger: ['error', 'warn'] });
  try {
    const started = Date.now();
    const result = await app.get(FallbackRebuilder).rebuild();
    process.stdout.write(`${JSON.stringify({ ...result, seconds: (Date.now() - started) / 1000 })}\n`);
  } finally {
    await app.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`rebuild failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
