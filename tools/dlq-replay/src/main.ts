/**
 * Replays dead letters to their origin topic.
 *
 *   npm run dlq:replay -- whatsapp.webhooks.raw.v1.dlq [--dry-run] [--max 100] [--group wahooks-dlq-replay]
 *
 * Fix the cause first (deploy the fix, register the tenant…): a replayed
 * record that fails again lands in the dead-letter topic again.
 */
import { parseArgs } from 'node:util';

import { Kafka, logLevel } from 'kafkajs';

import { loadConfigFromEnv } from '@wahooks/config';

import { replayDeadLetters } from './replay';

async function main(): Promise<void> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      'dry-run': { type: 'boolean', default: false },
      max: { type: 'string', default: String(Number.MAX_SAFE_INTEGER) },
      group: { type: 'string', default: 'wahooks-dlq-replay' },
      'idle-ms': { type: 'string', default: '3000' },
    },
  });
  const [dlqTopic] = positionals;
  if (!dlqTopic?.endsWith('.dlq')) throw new Error('usage: dlq-replay <topic>.dlq [--dry-run] [--max N] [--group G]');
  const config = loadConfigFromEnv();
  const kafka = new Kafka({ brokers: config.kafka.brokers, clientId: 'wahooks-dlq-replay', logLevel: logLevel.WARN });
  const report = await replayDeadLetters(kafka, {
    dlqTopic,
    groupId: values.group,
    dryRun: values['dry-run'],
    max: Number(values.max),
    idleMs: Number(values['idle-ms']),
  });
  process.stdout.write(`${JSON.stringify({ dlqTopic, dryRun: values['dry-run'], ...report })}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`dlq-replay: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
