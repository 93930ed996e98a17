import { randomBytes } from 'node:crypto';

import { Partitioners } from 'kafkajs';
import pino from 'pino';
import { Client } from 'pg';

import { ConsumerGroups, deadLetterTopic, Topics } from '@wahooks/events-contract';
import { ConsumedRecord, KafkaClients, readToEnd } from '@wahooks/kafka';

import { attempt, getJson, signLikeMeta, sleep } from './http';
import { runCommand } from './processes';

/** What every fault scenario can use: the run's database, its Kafka namespace, the intake, a log. */
export interface FaultKit {
  databaseUrl: string;
  kafka: KafkaClients;
  adminToken: string;
  platformSecret: string;
  recordProofKeys: string[];
  log: (line: string) => void;
}

export function faultKit(log: (line: string) => void): FaultKit {
  const env = process.env;
  return {
    databaseUrl: env['DATABASE_URL'] ?? 'postgresql://postgres@127.0.0.1:5432/wahooks_faults',
    kafka: new KafkaClients(
      { brokers: (env['KAFKA_BROKERS'] ?? '127.0.0.1:9092').split(','), clientId: 'wahooks-faults', topicPrefix: env['KAFKA_TOPIC_PREFIX'] ?? '' },
      pino({ level: 'silent' }),
      'faults',
    ),
    adminToken: env['ADMIN_API_TOKEN'] ?? 'local-admin-token-change-me',
    platformSecret: (env['PLATFORM_APP_SECRETS'] ?? 'local-platform-app-secret').split(',')[0]?.trim() ?? '',
    recordProofKeys: (env['INTAKE_RECORD_KEYS'] ?? '').split(',').map((k) => k.trim()).filter(Boolean),
    log,
  };
}

/** One SQL statement on the run's database (or, with `database`, another one of the server). */
export async function sql<T = Record<string, unknown>>(kit: FaultKit, query: string, params: unknown[] = [], database?: string): Promise<T[]> {
  const url = new URL(kit.databaseUrl);
  if (database) url.pathname = `/${database}`;
  const client = new Client({ connectionString: url.toString(), connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    return (await client.query(query, params)).rows as T[];
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Retries `sql` until the database answers (after a restart, during a failover). */
export async function sqlWhenUp<T = Record<string, unknown>>(kit: FaultKit, query: string, params: unknown[] = [], database?: string): Promise<T[]> {
  for (let i = 0; ; i++) {
    try {
      return await sql<T>(kit, query, params, database);
    } catch (error) {
      if (i >= 120) throw error;
      await sleep(1000);
    }
  }
}

/** The server's own shell commands, as chaos runs them (a Debian cluster by default). */
export function pgCtl(action: 'restart'): string {
  return process.env['FAULTS_PG_RESTART_CMD'] ?? `pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql | head -1) main ${action}`;
}

export const shell = (kit: FaultKit, command: string): Promise<void> => runCommand(command, kit.log);

/** A tenant outside the generated traffic (not in the oracle), for a scenario's own deliveries. */
export interface SideTenant {
  id: string;
  secret: string;
  apiKey: string;
  wabaId: string;
  phoneNumberId: string;
}

export const metaId = (): string => `8${Date.now().toString().slice(-8)}${randomBytes(3).readUIntBE(0, 3).toString().padStart(8, '0')}`;

/** Registered through the intake's admin API, on its private port (`adminUrl`). */
export async function sideTenant(kit: FaultKit, adminUrl: string, id: string, withRoutes = true): Promise<SideTenant> {
  const t = { id, secret: `secret-${randomBytes(12).toString('hex')}`, apiKey: '', wabaId: metaId(), phoneNumberId: metaId() };
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${kit.adminToken}` };
  const body = { id, verifyToken: `verify-${id}`, appSecrets: [t.secret], ...(withRoutes ? { wabaIds: [t.wabaId], phoneNumberIds: [t.phoneNumberId] } : {}) };
  const created = await attempt(`${adminUrl}/admin/tenants`, { method: 'POST', headers, body: JSON.stringify(body) }, 10_000);
  if (created.kind !== 'response' || created.status !== 201) throw new Error(`tenant ${id}: ${created.kind === 'response' ? `${created.status} ${created.text}` : created.kind}`);
  const key = await attempt(`${adminUrl}/admin/tenants/${id}/api-keys`, { method: 'POST', headers, body: JSON.stringify({ name: 'faults' }) }, 10_000);
  if (key.kind !== 'response' || key.status !== 201) throw new Error(`api key ${id}`);
  t.apiKey = (JSON.parse(key.text) as { apiKey: string }).apiKey;
  return t;
}

/** POSTs a delivery the way Meta does, retrying our 5xx; resolves with the final status. */
export async function deliver(url: string, body: string | Buffer, secret: string, giveUpAfterMs = 120_000): Promise<number> {
  const deadline = Date.now() + giveUpAfterMs;
  for (;;) {
    const r = await attempt(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': signLikeMeta(body, secret) }, body }, 30_000);
    if (r.kind === 'response' && r.status < 500) return r.status;
    if (Date.now() > deadline) return r.kind === 'response' ? r.status : 0;
    await sleep(500);
  }
}

/** Polls until `check` answers a value, or gives up with `undefined` after `timeoutMs`. */
export async function until<T>(check: () => Promise<T | undefined>, timeoutMs: number, everyMs = 250): Promise<T | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > deadline) return undefined;
    await sleep(everyMs);
  }
}

export const readApi = <T>(url: string, apiKey: string) => getJson<T>(url, { 'x-api-key': apiKey });

/** The run's consumer groups (fresh per scenario: `<run id>-<app>`). */
export const groupsOf = (runId: string): string[] => ['status-projector', 'fallback-trigger', 'template-monitor', 'inbound-reply'].map((app) => `${runId}-${app}`);

/** Every dead letter of the given groups so far. */
export async function deadLetters(kit: FaultKit, groups: string[]): Promise<Record<string, ConsumedRecord[]>> {
  const out: Record<string, ConsumedRecord[]> = {};
  for (const group of groups) {
    const letters: ConsumedRecord[] = [];
    await readToEnd(kit.kafka, { topic: deadLetterTopic(group), groupId: `faults-dlq-reader-${randomBytes(4).toString('hex')}`, timeoutMs: 60_000 }, async (batch) => {
      letters.push(...batch.records);
    }).catch((error: unknown) => kit.log(`reading ${deadLetterTopic(group)}: ${String(error)}`));
    out[group] = letters;
  }
  return out;
}

/** A tenant id whose key lands on the same raw-topic partition as `key` (murmur2, as every producer computes it). */
export async function sameRawPartition(kit: FaultKit, key: string, prefix: string): Promise<string> {
  const admin = kit.kafka.topicAdmin();
  const ends = await admin.endOffsets(Topics.webhooksRaw);
  await admin.close();
  const partitionMetadata = [...ends.keys()].map((partitionId) => ({ partitionId, leader: 0, partitionErrorCode: 0, replicas: [0], isr: [0] }));
  const partitioner = Partitioners.DefaultPartitioner();
  const partitionOf = (k: string) => partitioner({ topic: Topics.webhooksRaw, partitionMetadata, message: { key: k, value: null } });
  const target = partitionOf(key);
  for (let i = 0; ; i++) {
    const candidate = `${prefix}-${i}`;
    if (partitionOf(candidate) === target) return candidate;
  }
}

export async function endOffsets(kit: FaultKit, topic: string): Promise<Map<number, bigint>> {
  const admin = kit.kafka.topicAdmin();
  try {
    return await admin.endOffsets(topic);
  } finally {
    await admin.close();
  }
}

/**
 * Waits until each group has committed, on every partition of `topic` that
 * received records since `since` (end offsets taken earlier), everything up
 * to the current end; resolves with how long that took.
 */
export async function caughtUp(kit: FaultKit, groups: string[], topic: string, since: Map<number, bigint>, timeoutMs: number): Promise<number | undefined> {
  const started = Date.now();
  const admin = kit.kafka.topicAdmin();
  try {
    const ends = await admin.endOffsets(topic);
    const written = [...ends].filter(([p, end]) => end > (since.get(p) ?? 0n));
    const done = await until(async () => {
      for (const group of groups) {
        const committed = await admin.committedOffsets(group, topic);
        for (const [p, end] of written) if ((committed.get(p) ?? -1n) < end) return undefined;
      }
      return true;
    }, timeoutMs, 200);
    return done ? Date.now() - started : undefined;
  } finally {
    await admin.close();
  }
}

export { ConsumerGroups };
