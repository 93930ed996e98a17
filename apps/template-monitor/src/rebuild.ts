/**
 * Drops and rebuilds the template and health projections from the event store:
 *   node dist/apps/template-monitor/src/rebuild.js
 * Stop the template-monitor consumers first (see docs/template-monitor.md).
 */
import 'reflect-metadata';

import { NestFactory } from '@nestjs/core';

import { loadConfigFromEnv } from '@wahooks/config';
import { createRootLogger } from '@wahooks/observability';
import { MonitorRebuilder } from '@wahooks/template-feature';

import { AppModule } from './app.module';

async function main(): Promise<void> {
  const config = loadConfigFromEnv();
  const app = await NestFactory.createApplicationContext(AppModule.forRoot(config, createRootLogger('template-rebuild', config.logLevel), { background: false }), { logger: ['error', 'warn'] });
  try {
    const started = Date.now();
    const result = await app.get(MonitorRebuilder).rebuild();
    process.stdout.write(`${JSON.stringify({ ...result, seconds: (Date.now() - started) / 1000 })}\n`);
  } finally {
    await app.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`rebuild failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
