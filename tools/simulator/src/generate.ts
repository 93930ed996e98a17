import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { buildAccounts } from './account-scenario';
import { buildInbound, OutboundRef } from './inbound-scenario';
import type { GenerateOptions, Oracle, Plan } from './plan.types';
import { Prng } from './prng';
import { buildScenario } from './scenario';
import { scheduleDeliveries } from './schedule';

export const DEFAULT_GENERATE: Omit<GenerateOptions, 'runId'> = {
  seed: 1,
  tenants: 3,
  messages: 100,
  templates: 4,
  batchMax: 6,
  duplicates: 0.1,
  refanout: 0.05,
  reorderWindow: 12,
  // 2026-01-01T00:00:00Z: fixed, so a seed alone reproduces the bytes.
  baseTime: 1_767_225_600,
  customers: 6,
  inbound: 60,
  accountEvents: 8,
  platformShare: 0.3,
};

/** Each part of the traffic draws from its own stream: more inbound messages leave the outbound ones as they were. */
const STREAM = { inbound: 0x1b873593, accounts: 0x85ebca6b, schedule: 0x5bd1e995 } as const;
const streamOf = (seed: number, salt: number): Prng => new Prng((seed ^ salt) >>> 0);

/** The plan (every POST, in order) and the oracle (the end state it must produce). Pure: same options, same output. */
export function generate(o: GenerateOptions): { plan: Plan; oracle: Oracle } {
  const scenario = buildScenario(o);
  const templateSends = new Set(scenario.stream.flatMap((s) => (s.kind === 'accepted' && s.payload.template ? [s.payload.wamid] : [])));
  const outbound: OutboundRef[] = scenario.messages.map((m) => ({ ...m, failed: m.status === 'failed', template: templateSends.has(m.wamid) }));
  const inbound = buildInbound(o, scenario.tenants, outbound, streamOf(o.seed, STREAM.inbound));
  const accounts = buildAccounts(o, scenario.tenants, streamOf(o.seed, STREAM.accounts));
  const stream = [...scenario.stream, ...inbound.stream, ...accounts.stream];
  // Scheduling draws from its own stream, so changing batching keeps the same messages.
  const deliveries = scheduleDeliveries(stream, scenario.tenants, o, streamOf(o.seed, STREAM.schedule));
  const count = <T>(items: T[], key: (t: T) => string | undefined) =>
    items.reduce<Record<string, number>>((acc, item) => {
      const k = key(item);
      if (k !== undefined) acc[k] = (acc[k] ?? 0) + 1;
      return acc;
    }, {});
  const oracle: Oracle = {
    version: 2,
    seed: o.seed,
    runId: o.runId,
    tenants: scenario.tenants.map((t) => t.id),
    messages: scenario.messages,
    templates: scenario.templates,
    smsFallbacks: scenario.sms,
    inbound: inbound.inbound,
    conversations: inbound.conversations,
    contacts: inbound.contacts,
    phoneNumbers: accounts.phoneNumbers,
    accounts: accounts.accounts,
    totals: {
      messages: scenario.messages.length,
      byStatus: count(scenario.messages, (m) => m.status),
      byErrorCode: count(scenario.messages, (m) => (m.errorCodes[0] === undefined ? undefined : String(m.errorCodes[0]))),
      templatesByStatus: count(scenario.templates, (t) => t.status),
      smsFallbacks: scenario.sms.length,
      inbound: inbound.inbound.length,
      inboundByType: count(inbound.inbound, (m) => m.type),
      inboundMedia: inbound.inbound.filter((m) => m.media !== null).length,
      conversations: inbound.conversations.length,
      contacts: inbound.contacts.length,
      accountEvents: accounts.stream.length,
      deliveries: deliveries.length,
      webhookDeliveries: deliveries.filter((d) => d.kind === 'webhook').length,
      platformDeliveries: deliveries.filter((d) => d.kind === 'platform').length,
      multiTenantDeliveries: deliveries.filter((d) => (d.tenants?.length ?? 0) > 1).length,
      acceptedDeliveries: deliveries.filter((d) => d.kind === 'accepted').length,
      duplicateDeliveries: deliveries.filter((d) => d.copyOf !== undefined).length,
    },
  };
  return { plan: { version: 2, options: o, tenants: scenario.tenants, deliveries }, oracle };
}

export const planPath = (dir: string) => join(dir, 'plan.json');
export const oraclePath = (dir: string) => join(dir, 'oracle.json');
export const credentialsPath = (dir: string) => join(dir, 'credentials.json');

export function writeRun(dir: string, plan: Plan, oracle: Oracle): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(planPath(dir), `${JSON.stringify(plan, null, 1)}\n`);
  writeFileSync(oraclePath(dir), `${JSON.stringify(oracle, null, 1)}\n`);
}

export function readJson<T>(path: string): T {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch (error) {
    throw new Error(`cannot read ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
}
