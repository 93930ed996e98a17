import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

import { Admin, Kafka, logLevel, Partitioners, PartitionMetadata, Producer } from 'kafkajs';
import { Client } from 'pg';

import { RawHeaders } from '@wahooks/events-contract';

import { brokerPid, CpuUsage, startCpuMeter } from '../cpu';
import { distPath } from '../paths';
import { forkTarget, freePort, TargetProcess } from '../processes';
import type { BenchContext } from '../suite';
import { intakeProof } from './raw-proof';
import { WebhookSink } from './webhook-sink';

/**
 * What the consumer-service suites (fallback, template, growth) share:
 * starting a service under a known consumer group, producing its input
 * straight to Kafka, timing until everything is applied in Postgres, and the
 * CPU it cost (the service, Postgres, the broker, the bench itself).
 */

export interface KafkaRecord {
  key: string;
  value: string;
  headers: Record<string, string>;
}

/** A raw webhook record as the intake writes it: keyed by tenant, with its provenance headers and its proof. */
export function rawRecord(tenantId: string, body: string): KafkaRecord {
  return {
    key: tenantId,
    value: body,
    headers: {
      [RawHeaders.tenantId]: tenantId,
      [RawHeaders.receivedAt]: new Date().toISOString(),
      [RawHeaders.deliveryId]: randomBytes(16).toString('hex'),
      ...intakeProof(tenantId, body),
    },
  };
}

/** Round-robin over several lists (many tenants' traffic arrives interleaved). */
export function interleave<T>(lists: T[][]): T[] {
  const out: T[] = [];
  const longest = Math.max(0, ...lists.map((l) => l.length));
  for (let i = 0; i < longest; i++) for (const l of lists) if (i < l.length) out.push(l[i]!);
  return out;
}

/**
 * A workload size: `smoke` in smoke runs, else `full` scaled by
 * BENCH_CONSUMER_SCALE (default 1; e.g. 0.25 for a quick check of the output),
 * never below the smoke size.
 */
export function workload(ctx: BenchContext, full: number, smoke: number): number {
  if (ctx.options.smoke) return smoke;
  const scale = Number(ctx.env['BENCH_CONSUMER_SCALE'] ?? '1');
  if (!Number.isFinite(scale) || scale <= 0) throw new Error(`BENCH_CONSUMER_SCALE must be a positive number, got ${ctx.env['BENCH_CONSUMER_SCALE']}`);
  return Math.max(smoke, Math.round(full * scale));
}

export interface ConsumerService {
  app: string;
  groupId: string;
  process: TargetProcess;
}

/**
 * A consumer service from its compiled main.js in its own process, in a
 * fresh consumer group that starts at the end of its topics (so it sees only
 * what the bench produces), ready once /health/ready says the consumer runs.
 */
export async function startConsumer(ctx: BenchContext, app: string, env: NodeJS.ProcessEnv = {}): Promise<ConsumerService> {
  const port = await freePort();
  const groupId = `bench-${app}-${randomBytes(4).toString('hex')}`;
  const process = await forkTarget(app, distPath('apps', app, 'src', 'main.js'), {
    env: { ...ctx.env, LOG_LEVEL: 'warn', ...env, HTTP_PORT: String(port), HTTP_HOST: '127.0.0.1', CONSUMER_GROUP_ID: groupId, CONSUMER_START_FROM: 'latest' },
    ready: { kind: 'http', port, path: '/health/ready' },
    log: ctx.log,
  });
  return { app, groupId, process };
}

export interface ConsumerRig {
  db: Client;
  kafka: BenchKafka;
  /** A local receiver for the service's outgoing webhooks (SMS, alerts). */
  sink: WebhookSink;
  /** Starts a consumer service (stopped when the rig is). */
  start(app: string, env?: NodeJS.ProcessEnv): Promise<ConsumerService>;
}

/**
 * What a consumer suite runs in: a Postgres client, the bench's Kafka client,
 * a local webhook receiver counting the values of `sinkKeyHeader`, and the
 * services it starts; everything is stopped when `body` settles.
 */
export async function withConsumerRig<T>(ctx: BenchContext, sinkKeyHeader: string, body: (rig: ConsumerRig) => Promise<T>): Promise<T> {
  const db = new Client({ connectionString: ctx.env['DATABASE_URL'] });
  await db.connect();
  const sink = new WebhookSink(sinkKeyHeader);
  const services: ConsumerService[] = [];
  let kafka: BenchKafka | undefined;
  try {
    await sink.start();
    kafka = await BenchKafka.connect(ctx);
    const start = async (app: string, env?: NodeJS.ProcessEnv): Promise<ConsumerService> => {
      const service = await startConsumer(ctx, app, env);
      services.push(service);
      return service;
    };
    return await body({ db, kafka, sink, start });
  } finally {
    for (const s of services) await s.process.stop();
    await kafka?.close();
    await sink.stop();
    await db.end();
  }
}

/** Below Kafka's default 1 MB record-batch limit (message.max.bytes): one produce request's records for one partition form one batch. */
const MAX_REQUEST_BYTES = 512 * 1024;
const MAX_REQUEST_RECORDS = 200;

/** One Kafka client for a suite: an idempotent producer (acks all, as the intake), an admin for offsets and partitions. */
export class BenchKafka {
  private readonly partitioner = Partitioners.DefaultPartitioner();
  private readonly metadata = new Map<string, PartitionMetadata[]>();

  private constructor(
    private readonly producer: Producer,
    private readonly admin: Admin,
    /** The services' KAFKA_TOPIC_PREFIX: logical topic names are prefixed here, at the broker boundary. */
    private readonly prefix: string,
  ) {}

  static async connect(ctx: BenchContext): Promise<BenchKafka> {
    const kafka = new Kafka({ clientId: 'wahooks-bench', brokers: String(ctx.env['KAFKA_BROKERS']).split(','), logLevel: logLevel.NOTHING });
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
    const admin = kafka.admin();
    await Promise.all([producer.connect(), admin.connect()]);
    return new BenchKafka(producer, admin, benchTopicPrefix(ctx));
  }

  /** The partition a key lands on: murmur2 as kafkajs's DefaultPartitioner, the Java client and the intake's producer compute it. */
  async partitionOf(topic: string, key: string): Promise<number> {
    let partitions = this.metadata.get(topic);
    if (!partitions) {
      const { topics } = await this.admin.fetchTopicMetadata({ topics: [this.prefix + topic] });
      partitions = topics[0]?.partitions ?? [];
      this.metadata.set(topic, partitions);
    }
    return this.partitioner({ topic, partitionMetadata: partitions, message: { key, value: null } });
  }

  /** Names `prefix-<n>` whose keys land on `partition`, `count` of them. */
  async keysOn(topic: string, partition: number, count: number, prefix: string): Promise<string[]> {
    const out: string[] = [];
    for (let n = 0; out.length < count; n++) {
      if (n > count * 1000) throw new Error(`no keys for ${topic}/${partition} after ${n} tries`);
      const key = `${prefix}-${n}`;
      if ((await this.partitionOf(topic, key)) === partition) out.push(key);
    }
    return out;
  }

  /** Produces in order, in requests of at most 200 records / 512 kB; notes every partition written to. */
  async produce(topic: string, records: KafkaRecord[], touched: Map<string, Set<number>>): Promise<void> {
    const partitions = touched.get(topic) ?? new Set<number>();
    touched.set(topic, partitions);
    let chunk: KafkaRecord[] = [];
    let bytes = 0;
    const flush = async (): Promise<void> => {
      if (chunk.length === 0) return;
      const sent = await this.producer.send({ topic: this.prefix + topic, acks: -1, messages: chunk });
      for (const m of sent) partitions.add(m.partition);
      chunk = [];
      bytes = 0;
    };
    for (const r of records) {
      const size = r.value.length + r.key.length + 200;
      if (chunk.length >= MAX_REQUEST_RECORDS || (chunk.length > 0 && bytes + size > MAX_REQUEST_BYTES)) await flush();
      chunk.push(r);
      bytes += size;
    }
    await flush();
  }

  /**
   * Waits until the group has committed every partition it was written to up
   * to the end. The consumer runtime commits a batch's offsets only after its
   * database transaction committed, so this is cheap to poll (the broker, not
   * Postgres) and never early.
   */
  async waitConsumed(groupId: string, touched: Map<string, Set<number>>, deadline: number): Promise<void> {
    const ends: Array<{ topic: string; partition: number; end: bigint }> = [];
    for (const [topic, partitions] of touched) {
      for (const o of await this.admin.fetchTopicOffsets(this.prefix + topic)) if (partitions.has(o.partition)) ends.push({ topic: this.prefix + topic, partition: o.partition, end: BigInt(o.high) });
    }
    const topics = [...touched.keys()].map((t) => this.prefix + t);
    for (;;) {
      const committed = new Map<string, bigint>();
      for (const t of await this.admin.fetchOffsets({ groupId, topics })) for (const p of t.partitions) committed.set(`${t.topic}/${p.partition}`, BigInt(p.offset));
      const behind = ends.filter((e) => (committed.get(`${e.topic}/${e.partition}`) ?? -1n) < e.end);
      if (behind.length === 0) return;
      if (Date.now() > deadline) throw new Error(`group ${groupId} still behind on ${behind.map((e) => `${e.topic}/${e.partition}`).join(', ')}`);
      await sleep(15);
    }
  }

  async close(): Promise<void> {
    await Promise.all([this.producer.disconnect(), this.admin.disconnect()]).catch(() => undefined);
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The namespace the bench's services run in (scripts/bench.sh sets `bench.`). */
export const benchTopicPrefix = (ctx: BenchContext): string => String(ctx.env['KAFKA_TOPIC_PREFIX'] ?? '');

/** CPU of one run: the CpuUsage columns plus Postgres (every postgres process, and backends that exited during the run). */
export interface CostUsage extends CpuUsage {
  postgres?: number;
}

/** Linux USER_HZ, as in cpu.ts. */
const TICKS_PER_SECOND = 100;

/**
 * CPU seconds of the local Postgres server: utime + stime of every process
 * named postgres, plus the postmaster's cutime + cstime, where the time of
 * backends that exited (closed connections) is accounted. Undefined when
 * /proc shows none (Postgres elsewhere, or not Linux).
 */
export function postgresSeconds(): number | undefined {
  let total = 0;
  let found = false;
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return undefined;
  }
  const postgres = new Map<number, { ppid: number; own: number; children: number }>();
  for (const name of entries) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      if (comm !== 'postgres') continue;
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      postgres.set(Number(name), { ppid: Number(f[1]), own: Number(f[11]) + Number(f[12]), children: Number(f[13]) + Number(f[14]) });
    } catch {
      // the process ended while we looked
    }
  }
  for (const p of postgres.values()) {
    found = true;
    total += p.own + (postgres.has(p.ppid) ? 0 : p.children);
  }
  return found ? total / TICKS_PER_SECOND : undefined;
}

/** startCpuMeter plus Postgres. */
export function startCostMeter(targetPid: number | undefined, broker: number | undefined): () => CostUsage {
  const started = performance.now();
  const pg = postgresSeconds();
  const stop = startCpuMeter(targetPid, broker);
  return () => {
    const usage: CostUsage = stop();
    const pgNow = postgresSeconds();
    if (pg !== undefined && pgNow !== undefined) usage.postgres = (pgNow - pg) / ((performance.now() - started) / 1000);
    return usage;
  };
}

export interface ConsumerRunSpec {
  label: string;
  /** Produced in this order, topic after topic. */
  produce: Array<{ topic: string; records: KafkaRecord[] }>;
  /** What the rate counts (events, messages…). */
  units: number;
  /** Whether everything the records cause is in Postgres; polled once the group has consumed them. */
  applied(): Promise<{ done: boolean; detail: string }>;
  /** The run's tenants: their outbox rows must be published before its CPU stops counting. */
  tenants: string[];
}

export interface ConsumerRun {
  label: string;
  units: number;
  /** First produce → everything applied. */
  seconds: number;
  rate: number;
  /** First produce → outbox published too: the window the CPU figures cover. */
  drainedSeconds: number;
  cpu: CostUsage;
}

/**
 * One timed run: produce, wait for the group to commit everything, then for
 * `applied`; the rate is units over that time. CPU is measured until the
 * relay has also published the run's outbox rows, so what a run causes is
 * charged to it and not to the next one.
 */
export async function runThroughKafka(ctx: BenchContext, kafka: BenchKafka, db: Client, service: ConsumerService, spec: ConsumerRunSpec): Promise<ConsumerRun> {
  const deadline = Date.now() + 300_000;
  const stopMeter = startCostMeter(service.process.child.pid, brokerPid(ctx.env));
  const started = performance.now();
  const touched = new Map<string, Set<number>>();
  for (const p of spec.produce) await kafka.produce(p.topic, p.records, touched);
  await kafka.waitConsumed(service.groupId, touched, deadline);
  for (let state = await spec.applied(); !state.done; state = await spec.applied()) {
    if (Date.now() > deadline) throw new Error(`${spec.label}: not applied within 300 s (${state.detail})`);
    await sleep(20);
  }
  const seconds = (performance.now() - started) / 1000;
  while ((await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM outbox WHERE tenant_id = ANY($1::text[])`, [spec.tenants])).rows[0]!.n > 0) {
    if (Date.now() > deadline) throw new Error(`${spec.label}: outbox not published within 300 s`);
    await sleep(20);
  }
  const drainedSeconds = (performance.now() - started) / 1000;
  const cpu = stopMeter();
  const run = { label: spec.label, units: spec.units, seconds, rate: spec.units / seconds, drainedSeconds, cpu };
  ctx.log(`[bench] ${service.app}, ${spec.label}: ${spec.units} in ${seconds.toFixed(2)} s = ${Math.round(run.rate)}/s (outbox published after ${drainedSeconds.toFixed(2)} s)`);
  return run;
}

const cores = (v: number | undefined): string => (v === undefined ? '–' : v.toFixed(2));
const int = (v: number): string => Math.round(v).toLocaleString('en-US');

/** µs of CPU per unit over the run's measured window. */
function perUnit(run: ConsumerRun, coresUsed: number | undefined): string {
  return coresUsed === undefined ? '–' : int((coresUsed * run.drainedSeconds * 1e6) / run.units);
}

/** "other": the machine minus everything named. */
function other(cpu: CostUsage): number | undefined {
  if (cpu.machine === undefined) return undefined;
  return Math.max(0, cpu.machine - (cpu.target ?? 0) - (cpu.postgres ?? 0) - (cpu.broker ?? 0) - cpu.loadGenerator);
}

/**
 * A markdown table of consumer runs: rate, the rate relative to the first
 * row (so a curve's growth reads straight off), cores used and CPU µs per unit.
 */
export function consumerRunsTable(first: string, unit: string, rows: Array<{ point: string; run: ConsumerRun }>): string {
  const base = rows[0]?.run.rate ?? 0;
  return [
    `| ${first} | ${unit}s | s | ${unit}s/s | vs first row | CPU cores: service / Postgres / broker / bench / other | CPU µs per ${unit}: service / Postgres / broker / whole machine |`,
    '|---|--:|--:|--:|--:|--:|--:|',
    ...rows.map(({ point, run }) => {
      const c = run.cpu;
      return `| ${point} | ${int(run.units)} | ${run.seconds.toFixed(2)} | ${int(run.rate)} | ${base > 0 ? `${(run.rate / base).toFixed(2)}×` : '–'} | ${cores(c.target)} / ${cores(c.postgres)} / ${cores(c.broker)} / ${cores(c.loadGenerator)} / ${cores(other(c))} | ${perUnit(run, c.target)} / ${perUnit(run, c.postgres)} / ${perUnit(run, c.broker)} / ${perUnit(run, c.machine)} |`;
    }),
  ].join('\n');
}

/** The note under every consumer table: how to read the CPU columns. */
export const CONSUMER_CPU_NOTE =
  'CPU columns: average cores over the run until its outbox rows were published (Linux /proc; "Postgres" sums every postgres process, including backends that exited; "bench" is the orchestrator: producer, polling and the local HTTP receivers; "other" is the rest of the machine). CPU µs per unit = cores × that window ÷ units: the cost each one caused, wherever it ran.';

/** `x vs y rows/s = z%` as the status and inbound suites print it. */
export const versusBaseline = (rate: number, baseline: number): string => `${Math.round(rate)} vs ${Math.round(baseline)} rows/s = ${((rate / baseline) * 100).toFixed(0)}%`;
