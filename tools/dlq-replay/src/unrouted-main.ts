/**
 * Routes the platform URL's unrouted entries to their tenants, once their
 * WABAs (or phone numbers) are registered.
 *
 *   npm run unrouted:replay             (write them to the raw topic)
 *   npm run unrouted:replay -- --dry-run
 *
 * Prints one JSON line: records read, raw records written per tenant, entries
 * still unrouted (left for a later run). See docs/intake.md.
 */
import { parseArgs } from 'node:util';

import { databaseSection, kafkaSection, loadConfigFromEnv, recordProofSection } from '@wahooks/config';
import { KafkaClients } from '@wahooks/kafka';
import { createRootLogger } from '@wahooks/observability';
import { DatabasePool, SqlTransactions } from '@wahooks/prisma';

import { RecordProof, replayUnrouted, TenantRoutes } from '@wahooks/consumer-runtime';

async function loadRoutes(sql: SqlTransactions): Promise<TenantRoutes> {
  const rows = await sql.query<Array<{ kind: 'waba' | 'phone'; id: string; tenant_id: string }>>(
    `SELECT 'waba' AS kind, w.waba_id AS id, t.id AS tenant_id FROM tenant_wabas w JOIN tenants t ON t.id = w.tenant_id WHERE NOT t.disabled
     UNION ALL
     SELECT 'phone', p.phone_number_id, t.id FROM tenant_phone_numbers p JOIN tenants t ON t.id = p.tenant_id WHERE NOT t.disabled`,
  );
  const wabas = new Map(rows.filter((r) => r.kind === 'waba').map((r) => [r.id, r.tenant_id]));
  const phones = new Map(rows.filter((r) => r.kind === 'phone').map((r) => [r.id, r.tenant_id]));
  return { byWaba: (id) => wabas.get(id), byPhoneNumber: (id) => phones.get(id) };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { 'dry-run': { type: 'boolean', default: false }, 'timeout-ms': { type: 'string', default: '120000' } } });
  // The routes (database), the topics (Kafka), and the intake's key: it writes raw records as the intake would.
  const config = loadConfigFromEnv([databaseSection, kafkaSection, recordProofSection]);
  const pool = new DatabasePool(config.database);
  try {
    const routes = await loadRoutes(new SqlTransactions(pool));
    const kafka = new KafkaClients(config.kafka, createRootLogger('unrouted-replay', 'warn'), 'unrouted-replay');
    const report = await replayUnrouted(kafka, routes, new RecordProof(config.recordProof.keys), { dryRun: values['dry-run'], timeoutMs: Number(values['timeout-ms']) });
    process.stdout.write(`${JSON.stringify({ dryRun: values['dry-run'], ...report })}\n`);
  } finally {
    await pool.onApplicationShutdown();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`unrouted-replay: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
