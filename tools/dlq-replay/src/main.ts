/**
 * Replays one consumer group's dead letters to that group only.
 *
 *   npm run dlq:replay -- wahooks-status-projector            (the group, or its topic wahooks-status-projector.dlq)
 *   npm run dlq:replay -- wahooks-status-projector --dry-run   (list what is there; writes nothing, moves nothing)
 *   npm run dlq:replay -- wahooks-status-projector --max 100
 *
 * Fix the cause first (deploy the fix, register the tenant…): a replayed
 * record that fails again is dead-lettered again, once, and waits for the
 * next run. A run reads up to the end the topic had when it started and
 * writes at most what it read. Prints one JSON line: what was read and
 * replayed, by group, origin topic and disposition.
 */
import { parseArgs } from 'node:util';

import { kafkaSection, loadConfigFromEnv } from '@wahooks/config';
import { deadLetterTopic } from '@wahooks/events-contract';
import { KafkaClients } from '@wahooks/kafka';
import { createRootLogger } from '@wahooks/observability';

import { replayDeadLetters } from '@wahooks/consumer-runtime';

async function main(): Promise<void> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      'dry-run': { type: 'boolean', default: false },
      max: { type: 'string', default: String(Number.MAX_SAFE_INTEGER) },
      'replayer-group': { type: 'string' },
      'timeout-ms': { type: 'string', default: '120000' },
    },
  });
  const [target] = positionals;
  if (!target) throw new Error('usage: dlq-replay <consumer group | its .dlq topic> [--dry-run] [--max N] [--replayer-group G] [--timeout-ms N]');
  const dlqTopic = target.endsWith('.dlq') ? target : deadLetterTopic(target);
  const config = loadConfigFromEnv([kafkaSection]);
  const kafka = new KafkaClients(config.kafka, createRootLogger('dlq-replay', 'warn'), 'dlq-replay');
  const report = await replayDeadLetters(kafka, {
    dlqTopic,
    replayerGroup: values['replayer-group'] ?? `${dlqTopic}-replayer`,
    dryRun: values['dry-run'],
    max: Number(values.max),
    timeoutMs: Number(values['timeout-ms']),
  });
  process.stdout.write(`${JSON.stringify({ dlqTopic, dryRun: values['dry-run'], ...report })}\n`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`dlq-replay: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
