import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { bool, Flags, num, rejectUnknown, str } from './args';
import { credentialsPath, DEFAULT_GENERATE, generate, oraclePath, planPath, readJson, writeRun } from './generate';
import { FakeGraph, graphMediaOf } from './fake-graph';
import { RUN_ID } from './ids';
import { graphTokenFor, inboundGraphConfig } from './media';
import type { Credentials, GenerateOptions, Oracle, Plan } from './plan.types';
import { provisionTenants } from './provision';
import { sendPlan } from './sender';
import { summarize, verify } from './verify';

const env = (name: string, def: string): string => process.env[name] ?? def;
export const log = (line: string): void => console.error(`[simulator] ${line}`);

export function generateOptions(flags: Flags): GenerateOptions {
  const d = DEFAULT_GENERATE;
  const seed = num(flags, 'seed', d.seed, 0, 2 ** 32 - 1);
  const runId = str(flags, 'run-id', `sim-${seed}`);
  if (!RUN_ID.test(runId)) throw new Error('--run-id: 1-41 chars of a-z, 0-9 and -, starting with a letter or digit');
  return {
    seed,
    runId,
    tenants: num(flags, 'tenants', d.tenants, 1, 1000),
    messages: num(flags, 'messages', d.messages, 0, 1_000_000),
    templates: num(flags, 'templates', d.templates, 0, 1000),
    batchMax: num(flags, 'batch-max', d.batchMax, 1, 1000),
    duplicates: num(flags, 'duplicates', d.duplicates, 0, 1),
    refanout: num(flags, 'refanout', d.refanout, 0, 1),
    reorderWindow: num(flags, 'reorder-window', d.reorderWindow, 1, 100_000),
    baseTime: num(flags, 'base-time', d.baseTime, 0),
    customers: num(flags, 'customers', d.customers, 1, 100_000),
    inbound: num(flags, 'inbound', d.inbound, 0, 1_000_000),
    accountEvents: num(flags, 'account-events', d.accountEvents, 0, 10_000),
    platformShare: num(flags, 'platform-share', d.platformShare, 0, 1),
  };
}

export const GENERATE_FLAGS = ['seed', 'run-id', 'tenants', 'messages', 'templates', 'batch-max', 'duplicates', 'refanout', 'reorder-window', 'base-time', 'customers', 'inbound', 'account-events', 'platform-share'];

export function runGenerate(flags: Flags): number {
  rejectUnknown(flags, [...GENERATE_FLAGS, 'out']);
  const o = generateOptions(flags);
  const dir = str(flags, 'out', join('.data', 'simulator', o.runId));
  const { plan, oracle } = generate(o);
  writeRun(dir, plan, oracle);
  console.log(JSON.stringify({ dir, plan: planPath(dir), oracle: oraclePath(dir), runId: o.runId, seed: o.seed, totals: oracle.totals }, null, 2));
  return 0;
}

export const urls = (flags: Flags) => ({
  intakeUrl: str(flags, 'intake', env('SIM_INTAKE_URL', 'http://127.0.0.1:3000')),
  statusProjectorUrl: str(flags, 'status-projector', env('SIM_STATUS_PROJECTOR_URL', 'http://127.0.0.1:3001')),
  fallbackTriggerUrl: str(flags, 'fallback-trigger', env('SIM_FALLBACK_TRIGGER_URL', 'http://127.0.0.1:3002')),
  templateMonitorUrl: str(flags, 'template-monitor', env('SIM_TEMPLATE_MONITOR_URL', 'http://127.0.0.1:3003')),
  inboundReplyUrl: str(flags, 'inbound-reply', env('SIM_INBOUND_REPLY_URL', 'http://127.0.0.1:3004')),
});

const URL_FLAGS = ['intake', 'status-projector', 'fallback-trigger', 'template-monitor', 'inbound-reply'];

/** The platform app's first secret, as the intake reads it (PLATFORM_APP_SECRETS, comma-separated). */
export const platformSecretFrom = (flags: Flags): string | undefined =>
  str(flags, 'platform-secret', env('PLATFORM_APP_SECRETS', 'local-platform-app-secret').split(',')[0]?.trim() ?? '') || undefined;

export async function runSend(flags: Flags): Promise<number> {
  rejectUnknown(flags, ['run', ...URL_FLAGS, 'intake-admin', 'admin-token', 'platform-secret', 'rate', 'timeout-ms', 'give-up-after-ms', 'provision']);
  const dir = str(flags, 'run', '');
  if (!dir) throw new Error('--run <directory written by generate> is required');
  const plan = readJson<Plan>(planPath(dir));
  const u = urls(flags);
  let creds: Credentials;
  if (bool(flags, 'provision', true)) {
    // The admin API is on the intake's private port (ADMIN_HTTP_PORT), not the one the webhooks go to.
    const adminUrl = str(flags, 'intake-admin', env('SIM_INTAKE_ADMIN_URL', 'http://127.0.0.1:9464'));
    creds = await provisionTenants(adminUrl, str(flags, 'admin-token', env('ADMIN_API_TOKEN', 'local-admin-token-change-me')), plan.options.runId, plan.tenants);
    writeFileSync(credentialsPath(dir), `${JSON.stringify(creds, null, 1)}\n`, { mode: 0o600 });
    log(`provisioned ${creds.tenants.length} tenants; API keys in ${credentialsPath(dir)}`);
  } else creds = readJson<Credentials>(credentialsPath(dir));
  const report = await sendPlan(plan, {
    ...u,
    rate: num(flags, 'rate', 50, 0.01),
    timeoutMs: num(flags, 'timeout-ms', 5000, 1),
    giveUpAfterMs: num(flags, 'give-up-after-ms', 600_000, 0),
    apiKeys: new Map(creds.tenants.map((t) => [t.id, t.apiKey])),
    platformSecret: platformSecretFrom(flags),
    log,
  });
  writeFileSync(join(dir, 'send-report.json'), `${JSON.stringify(report, null, 1)}\n`);
  console.log(JSON.stringify({ ...report, dropped: report.dropped.length, gaveUp: report.gaveUp.length }, null, 2));
  return report.dropped.length + report.gaveUp.length === 0 ? 0 : 1;
}

export async function runVerify(flags: Flags): Promise<number> {
  rejectUnknown(flags, ['run', ...URL_FLAGS, 'sms-status', 'wait-ms']);
  const dir = str(flags, 'run', '');
  if (!dir) throw new Error('--run <directory written by generate and send> is required');
  const oracle = readJson<Oracle>(oraclePath(dir));
  const creds = readJson<Credentials>(credentialsPath(dir));
  const report = await verify(oracle, creds, { ...urls(flags), smsStatus: str(flags, 'sms-status', 'any'), waitMs: num(flags, 'wait-ms', 60_000, 0), log });
  writeFileSync(join(dir, 'verify-report.json'), `${JSON.stringify(report, null, 1)}\n`);
  printVerify(report);
  return report.ok ? 0 : 1;
}

export function printVerify(report: Awaited<ReturnType<typeof verify>>): void {
  const c = report.checked;
  console.log(
    `verify: ${report.ok ? 'OK' : 'DIFFERENT'}: ${c.messages} messages, ${c.fallbacks} fallback decisions, ${c.templates} templates, ${c.inbound} inbound messages (${c.media} with media) in ${c.conversations} conversations, ${c.contacts} contacts, ${c.phoneNumbers} phone numbers, ${c.accounts} accounts checked in ${report.rounds} round(s), ${report.elapsedMs} ms`,
  );
  if (report.ok) return;
  console.log(`${report.differences.length} differences (${summarize(report.differences)}):`);
  for (const d of report.differences) console.log(`  ${d.service} ${d.tenantId} ${d.subject} ${d.field}: expected ${JSON.stringify(d.expected)}, got ${JSON.stringify(d.actual)}`);
}

/**
 * `graph`: serves the run's media as Meta's Graph API until interrupted and
 * prints the INBOUND_GRAPH_CONFIG and EGRESS_ALLOW to start inbound-reply
 * with (the fake is a local address, which outbound calls may reach only
 * when EGRESS_ALLOW names it).
 */
export async function runGraph(flags: Flags): Promise<number> {
  rejectUnknown(flags, ['run', 'port', 'host', 'faults']);
  const dir = str(flags, 'run', '');
  if (!dir) throw new Error('--run <directory written by generate> is required');
  const oracle = readJson<Oracle>(oraclePath(dir));
  const graph = new FakeGraph(graphTokenFor(oracle.runId), graphMediaOf(oracle), bool(flags, 'faults', false));
  await graph.start(num(flags, 'port', 3005, 0, 65_535), str(flags, 'host', '127.0.0.1'));
  console.log(`INBOUND_GRAPH_CONFIG='${inboundGraphConfig(oracle.runId, oracle.tenants, graph.url)}'`);
  console.log(`EGRESS_ALLOW='${new URL(graph.url).host}'`);
  log(`fake Graph API for ${oracle.totals.inboundMedia} media of run ${oracle.runId} on ${graph.url}; Ctrl-C to stop`);
  await new Promise<void>((stop) => process.once('SIGINT', stop).once('SIGTERM', stop));
  await graph.stop();
  log(`served ${JSON.stringify(graph.counts)}`);
  return graph.counts.unauthorized + graph.counts.unknownMedia === 0 ? 0 : 1;
}
