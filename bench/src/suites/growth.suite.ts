import { randomBytes } from 'node:crypto';

import { Topics } from '@wahooks/events-contract';
import { signMetaBody } from '@wahooks/meta-contract';

import { brokerPid, startCpuMeter } from '../cpu';
import { runAutocannon } from '../load/autocannon-load';
import type { SignedPayload } from '../payloads';
import type { BenchContext, Figure, RunRow, Suite, SuiteReport } from '../suite';
import { CONSUMER_CPU_NOTE, ConsumerRun, consumerRunsTable, interleave, runThroughKafka, withConsumerRig, workload } from './consumer-throughput';
import { envelope, statusRecords } from './status-workload';
import { BENCH_APP_SECRET, checkAccepts, produceBatches, startBareNode, startIntake, StartedTarget } from './targets';

const SIZES_KB = [1, 4, 16, 64, 256];
const BODIES_PER_SIZE = 4;
const UPDATES_PER_POST = [1, 5, 25, 100];
const PARTITIONS = [1, 2, 3, 6];
const TENANTS = [1, 10, 100, 1000];
/** Statuses per webhook in the partition and tenant curves, as in the status suite. */
const PER_RECORD = 5;

const int = (v: number): string => Math.round(v).toLocaleString('en-US');
const perSec = (v: number): string => `${int(v)}/s`;

/**
 * Valid signed Meta envelopes of about `kb` kB: one `messages` change whose
 * `statuses` (sent with PMP pricing and conversation, distinct messages),
 * as many as fit in the size, as Meta batches status updates.
 */
export function sizedBodies(kb: number, secret: string, count = BODIES_PER_SIZE): SignedPayload[] {
  const status = (b: number, k: number) => ({
    id: `wamid.growth.${kb}k.${b}.${k}.${randomBytes(6).toString('hex')}`,
    status: 'sent',
    timestamp: String(1_750_000_000 + k),
    recipient_id: `1555${String(k).padStart(7, '0')}`,
    pricing: { billable: true, pricing_model: 'PMP', type: 'regular', category: 'utility' },
    conversation: { id: `c.${b}.${k}`, origin: { type: 'utility' } },
  });
  return Array.from({ length: count }, (_, b) => {
    const statuses = [status(b, 0)];
    for (let next = status(b, 1); envelope([...statuses, next]).length <= kb * 1024; next = status(b, statuses.length + 1)) statuses.push(next);
    const body = Buffer.from(envelope(statuses));
    return { name: `${kb} kB (${statuses.length} statuses)`, body, signature: signMetaBody(body, secret) };
  });
}

interface PayloadPoint {
  kb: number;
  meanBytes: number;
  statuses: number;
  bare: RunRow;
  intake: RunRow;
}

/** One closed-loop run against a target with the CPU of every process (and the intake's produce batches) around it. */
async function measureHttp(ctx: BenchContext, name: string, load: string, target: StartedTarget, payloads: SignedPayload[], durationS: number): Promise<RunRow> {
  const before = await produceBatches(target);
  const stopMeter = startCpuMeter(target.process.child.pid, brokerPid(ctx.env));
  const result = await runAutocannon({ url: target.process.url, path: target.path, payloads, connections: ctx.options.connections, durationS });
  const cpu = stopMeter();
  const after = await produceBatches(target);
  const batches = before && after && after.count > before.count ? (after.records - before.records) / (after.count - before.count) : undefined;
  ctx.log(`[bench] ${name}, ${load}: ${perSec(result.okPerSec)} (${result.non2xx + result.errors} failed)`);
  return { target: name, load, result, cpu, ...(batches === undefined ? {} : { recordsPerProduce: batches }) };
}

/** Intake and bare node:http at each body size, taking turns size by size. */
async function payloadCurve(ctx: BenchContext): Promise<PayloadPoint[]> {
  const { options } = ctx;
  const durationS = options.smoke ? 0.5 : Math.min(options.durationS, 5);
  const bodies = new Map(SIZES_KB.map((kb) => [kb, sizedBodies(kb, BENCH_APP_SECRET)]));
  const started: StartedTarget[] = [];
  try {
    const bare = await startBareNode(ctx, BENCH_APP_SECRET);
    started.push(bare);
    const intake = await startIntake(ctx, BENCH_APP_SECRET, 'warn');
    started.push(intake);
    for (const target of started) {
      for (const set of bodies.values()) await checkAccepts(target, set);
      if (options.warmupS > 0) await runAutocannon({ url: target.process.url, path: target.path, payloads: bodies.get(SIZES_KB[0]!)!, connections: options.connections, durationS: Math.min(options.warmupS, 2) });
    }
    const points: PayloadPoint[] = [];
    for (const kb of SIZES_KB) {
      const set = bodies.get(kb)!;
      const meanBytes = set.reduce((n, p) => n + p.body.length, 0) / set.length;
      const load = `${kb} kB bodies, max, ${options.connections} conns, ${durationS} s`;
      points.push({
        kb,
        meanBytes,
        statuses: Number(/\((\d+) statuses\)/.exec(set[0]!.name)?.[1] ?? 0),
        bare: await measureHttp(ctx, 'bare node:http (verify + 200)', load, bare, set, durationS),
        intake: await measureHttp(ctx, 'wahooks intake', load, intake, set, durationS),
      });
    }
    return points;
  } finally {
    for (const t of started) await t.process.stop();
  }
}

const us = (cores: number | undefined, rate: number): string => (cores === undefined || rate <= 0 ? '–' : int((cores * 1e6) / rate));

function payloadTable(points: PayloadPoint[]): string {
  const base = points[0]!.intake.result.okPerSec;
  return [
    '| Body | Target | 2xx/s | MB/s in | vs 1 kB (intake) | failed | CPU µs per request: target / broker | target CPU µs per kB | records / produce |',
    '|---|---|--:|--:|--:|--:|--:|--:|--:|',
    ...points.flatMap((p) =>
      [p.bare, p.intake].map((row) => {
        const r = row.result;
        const isIntake = row === p.intake;
        const perKb = row.cpu?.target === undefined || r.okPerSec <= 0 ? '–' : ((row.cpu.target * 1e6) / r.okPerSec / (p.meanBytes / 1024)).toFixed(1);
        return `| ${int(p.meanBytes)} B (${p.statuses} statuses) | ${row.target} | ${int(r.okPerSec)} | ${((r.okPerSec * p.meanBytes) / 1e6).toFixed(1)} | ${isIntake && base > 0 ? `${(r.okPerSec / base).toFixed(2)}×` : ''} | ${int(r.non2xx + r.errors)} | ${us(row.cpu?.target, r.okPerSec)} / ${us(row.cpu?.broker, r.okPerSec)} | ${perKb} | ${row.recordsPerProduce === undefined ? '–' : row.recordsPerProduce.toFixed(1)} |`;
      }),
    ),
  ].join('\n');
}

/** Points where the intake did not answer every request 200: the figure misses, and the reader needs to know where. */
function failedNote(points: PayloadPoint[]): string[] {
  const failed = points.filter((p) => p.intake.result.non2xx + p.intake.result.errors > 0);
  if (failed.length === 0) return [];
  const list = failed.map((p) => `${p.kb} kB (${int(p.intake.result.non2xx + p.intake.result.errors)} of ${int(p.intake.result.completed + p.intake.result.errors)}: ${Object.entries(p.intake.result.statusCounts).map(([code, n]) => `${n}× ${code}`).join(', ')})`);
  return [`**Not every request was acknowledged** at ${list.join('; ')}. docs/performance.md (Growth) tells what caused this before.`];
}

interface Curve {
  name: string;
  rows: Array<{ point: string; run: ConsumerRun }>;
}

/** The status projector's curves: one process, one consumer group, points one after the other on the same data. */
function statusCurves(ctx: BenchContext, events: number): Promise<Curve[]> {
  // The status projector sends no webhooks: the rig's receiver stays idle.
  return withConsumerRig(ctx, 'idempotency-key', async ({ db, kafka, start }) => {
    const service = await start('status-projector');
    const run = randomBytes(3).toString('hex');
    const topic = Topics.webhooksRaw;
    const point = async (label: string, tenants: string[], perRecord: number, total = events): Promise<ConsumerRun> => {
      const perTenant = Math.max(1, Math.floor(total / tenants.length));
      // Only when a tenant's share is smaller than a webhook (smoke runs): smaller webhooks rather than more events.
      const size = Math.min(perRecord, perTenant);
      const records = interleave(tenants.map((t) => statusRecords(t, Math.ceil(perTenant / size), size)));
      const units = records.length * size;
      return runThroughKafka(ctx, kafka, db, service, {
        label,
        produce: [{ topic, records }],
        units,
        tenants,
        applied: async () => {
          const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM message_status WHERE tenant_id = ANY($1::text[])`, [tenants]);
          return { done: rows[0]!.n >= units, detail: `${rows[0]!.n}/${units} statuses in message_status` };
        },
      });
    };
    if (!ctx.options.smoke) await point('warm-up', await kafka.keysOn(topic, 0, 1, `bench-growth-${run}-warm`), PER_RECORD, Math.ceil(events / 4));

    const batch: Curve = { name: 'updates per webhook', rows: [] };
    for (const n of UPDATES_PER_POST) {
      // A fresh tenant per point (fresh messages), always on partition 0.
      const tenant = await kafka.keysOn(topic, 0, 1, `bench-growth-${run}-batch${n}`);
      batch.rows.push({ point: `${n} per webhook`, run: await point(`${n} statuses per webhook`, tenant, n) });
    }
    const partitions: Curve = { name: 'partitions', rows: [] };
    for (const n of PARTITIONS) {
      const tenants: string[] = [];
      for (let p = 0; p < n; p++) tenants.push(...(await kafka.keysOn(topic, p, 1, `bench-growth-${run}-p${n}`)));
      partitions.rows.push({ point: `${n} partition${n > 1 ? 's' : ''}`, run: await point(`${n} partition(s), one tenant each`, tenants, PER_RECORD) });
    }
    const tenants: Curve = { name: 'tenants', rows: [] };
    for (const n of TENANTS) {
      const ids = await kafka.keysOn(topic, 0, n, `bench-growth-${run}-t${n}`);
      tenants.rows.push({ point: `${n} tenant${n > 1 ? 's' : ''}`, run: await point(`${n} tenant(s) on one partition`, ids, PER_RECORD) });
    }
    return [batch, partitions, tenants];
  });
}

/** "a → b/s (×c); x → y µs per event" from a curve's first and last points. */
function span(rows: Array<{ point: string; run: ConsumerRun }>): string {
  const a = rows[0]!.run;
  const b = rows[rows.length - 1]!.run;
  const cost = (r: ConsumerRun): string => us(r.cpu.machine === undefined ? undefined : (r.cpu.machine * r.drainedSeconds) / r.seconds, r.rate);
  return `${perSec(a.rate)} → ${perSec(b.rate)} (${(b.rate / a.rate).toFixed(2)}×); machine CPU ${cost(a)} → ${cost(b)} µs per event`;
}

/**
 * Issue 6: how cost grows. Each curve is a few points measured in the same
 * run, as throughput and CPU µs per request or event: the intake against the
 * body size (with bare node:http beside it), and the status projector against
 * the updates per webhook, the partitions consumed and the tenants sharing
 * the load.
 */
export const growthSuite: Suite = {
  id: 'growth',
  title: 'Growth: cost against payload size, updates per webhook, partitions and tenants',
  async run(ctx: BenchContext): Promise<SuiteReport> {
    const events = workload(ctx, 24_000, 500);
    const payload = await payloadCurve(ctx);
    const [batch, partitions, tenants] = await statusCurves(ctx, events);
    const first = payload[0]!.intake;
    const last = payload[payload.length - 1]!.intake;
    const clean = payload.every((p) => p.intake.result.non2xx === 0 && p.intake.result.errors === 0 && p.intake.result.ok > 0);
    const figures: Figure[] = [
      {
        name: `Intake 2xx/s and intake CPU per request, ${SIZES_KB[0]} kB → ${SIZES_KB[SIZES_KB.length - 1]} kB bodies (max throughput)`,
        target: 'recorded (no target set); every request 2xx',
        measured: `${perSec(first.result.okPerSec)} → ${perSec(last.result.okPerSec)}; ${us(first.cpu?.target, first.result.okPerSec)} → ${us(last.cpu?.target, last.result.okPerSec)} µs per request`,
        pass: clean,
      },
      { name: `Status-projector events/s, ${UPDATES_PER_POST[0]} → ${UPDATES_PER_POST[UPDATES_PER_POST.length - 1]} updates per webhook (one partition)`, target: 'recorded (no target set)', measured: span(batch!.rows), pass: true },
      { name: `Status-projector events/s, ${PARTITIONS[0]} → ${PARTITIONS[PARTITIONS.length - 1]} partitions consumed (one tenant each)`, target: 'recorded (no target set)', measured: span(partitions!.rows), pass: true },
      { name: `Status-projector events/s, ${TENANTS[0]} → ${TENANTS[TENANTS.length - 1]} tenants sharing the load (one partition)`, target: 'recorded (no target set)', measured: span(tenants!.rows), pass: true },
    ];
    const d = ctx.options.smoke ? 0.5 : Math.min(ctx.options.durationS, 5);
    const notes = [
      `**Payload size: the intake.** ${BODIES_PER_SIZE} signed bodies per size (one \`messages\` change of sent statuses with pricing and conversation, as many as make the size), replayed by autocannon on ${ctx.options.connections} connections for ${d} s per point, bare node:http (verify + 200, the inherent cost of reading and HMAC-ing the bytes) and the intake taking turns size by size, both warmed up first with 1 kB bodies. Every point is also a row of the table above. Read the intake's CPU µs per request against the bare server's: the difference is what the intake adds (JSON parse, Kafka encoding and the broker's write), and µs per kB shows which part grows with the bytes.`,
      payloadTable(payload),
      ...failedNote(payload),
      `**Status projector.** One status-projector process (its own consumer group, from the end of the topic), each point ${int(events)} statuses (distinct messages, sent/delivered/read with PMP pricing) produced straight to \`${Topics.webhooksRaw}\` under fresh tenant ids and timed until all are in \`message_status\`, as in the status suite; an unreported warm-up first. Tenant ids are chosen by their key's partition (murmur2, as every producer of the topic computes it), so each point uses exactly the partitions it names. Read "vs first row" for throughput and the µs columns for cost: a flat µs per event means cost grows linearly with the load.`,
      `*Updates per webhook* (statuses in one raw record, one tenant, one partition):`,
      consumerRunsTable('Updates per webhook', 'event', batch!.rows),
      `*Partitions consumed* (one tenant on each of the first n partitions, ${PER_RECORD} statuses per webhook, the same total; the service consumes up to 3 partitions concurrently):`,
      consumerRunsTable('Partitions', 'event', partitions!.rows),
      `*Tenants sharing the load* (n tenants whose keys all land on partition 0, so only the number of tenants per batch changes; ${PER_RECORD} statuses per webhook, the same total, at least one webhook each):`,
      consumerRunsTable('Tenants', 'event', tenants!.rows),
      CONSUMER_CPU_NOTE,
    ];
    return { figures, runs: payload.flatMap((p) => [p.bare, p.intake]), notes, artifacts: [] };
  },
};
