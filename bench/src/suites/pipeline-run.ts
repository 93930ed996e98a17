import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

import type { Client } from 'pg';

import {
  checkSms,
  compareOnce,
  Credentials,
  DEFAULT_GENERATE,
  Delivery,
  generate,
  INBOUND_KINDS,
  Oracle,
  Plan,
  provisionTenants,
  sendPlan,
  Service,
  Settled,
  Suite,
  summarize,
  VerifyOptions,
  VerifyReport,
} from '@wahooks/simulator';

import { brokerPid } from '../cpu';
import { LatencyRecorder, LatencySummary } from '../load/stats';
import type { BenchContext } from '../suite';
import { CompletenessProbe } from './pipeline-complete';
import { memoryOf, PipelineCpu, PipelineMeter } from './pipeline-meter';
import { ProduceBatches, produceBatchesAt } from './targets';

/** The services of the pipeline, each in its own process, in the order the tables show them. */
export const APPS = ['intake', 'status-projector', 'fallback-trigger', 'template-monitor', 'inbound-reply'] as const;
export type AppName = (typeof APPS)[number];

/** When a rate counts as sustainable (and the issue's figures at 1,000 webhooks/s). */
export const ACK_P99_BOUND_MS = 250;
export const CATCH_UP_BOUND_S = 5;

/** The simulator's per-tenant mix (its defaults), scaled together to the number of webhooks a run needs. */
const MIX = { messages: DEFAULT_GENERATE.messages, inbound: DEFAULT_GENERATE.inbound, templates: DEFAULT_GENERATE.templates, accountEvents: DEFAULT_GENERATE.accountEvents, customers: DEFAULT_GENERATE.customers };
/** Webhook POSTs one tenant's default mix makes (measured; the sizing corrects for it). */
const WEBHOOKS_PER_MIX = 158;
const MAX_TENANTS = 12;
/** The seed of every run: the same sizes give the same traffic, under each run's own ids. */
const SEED = 14;
/** Meta's byte-identical re-sends. */
const DUPLICATES = 0.05;

export interface PipelineRunSpec {
  rate: number;
  /** Measured seconds (after the warm-up). */
  durationS: number;
  warmupS: number;
  kind: 'fixed' | 'search';
  nodeOptions: string | undefined;
}

export interface AckStats {
  /** Measured POSTs to the intake (webhook and platform URL), duplicates included. */
  webhooks: number;
  acked: number;
  /** Attempts answered with a status other than 2xx. */
  refused: number;
  /** Attempts not answered (timeout, connection error). */
  noAnswer: number;
  /** Attempts after the first (Meta's retries). */
  retried: number;
  /** Answers by label (`2xx` for acknowledgements; status code, `timeout`, `network:<code>` for the rest). */
  outcomes: Record<string, number>;
  /** From each POST's scheduled send time to its 2xx. */
  latencyMs: LatencySummary;
  /** How late the sender started each POST (its own CPU starvation; counted in the latency too). */
  sendLagMs: LatencySummary;
}

export interface PipelineRun {
  spec: PipelineRunSpec;
  runId: string;
  traffic: {
    tenants: number;
    webhooks: number;
    warmupWebhooks: number;
    accepted: number;
    duplicates: number;
    platform: number;
    /** Statuses + inbound messages + management changes in the measured webhooks. */
    metaEvents: number;
    statuses: number;
    inbound: number;
    management: number;
    /** What the oracle expects: outbound messages, inbound messages, SMS, media. */
    oracle: { messages: number; inbound: number; smsFallbacks: number; media: number; templates: number };
  };
  startupMs: string[];
  ack: AckStats;
  /** The send acknowledgements' attempts (to the status projector) not answered 2xx, by label; warm-up included. */
  acceptedFailed: Record<string, number>;
  /** Their latency from the scheduled send to the 2xx, retries included; warm-up included. */
  acceptedLatencyMs: LatencySummary;
  /** Mean records per produce request of the intake, and mean ms per produce, during the window. */
  produce?: { recordsPerProduce: number; produceMs?: number };
  /** Measured start → last acknowledgement (any delivery, warm-up ones included). */
  lastAckS: number;
  /** Last acknowledgement → every projection holds the oracle's state. */
  catchUpS: number;
  /** What timed the catch-up (see waitCaughtUp). */
  timedBy: string;
  /** Measured start → caught up: the window of the CPU figures and of the events/s. */
  windowS: number;
  metaEventsPerSecond: number;
  cpu: PipelineCpu;
  peakRssMiB: Partial<Record<AppName, number>>;
  verify: { differences: number; rounds: number; elapsedMs: number; checked: VerifyReport['checked']; sms: { expected: number; sent: number }; media: number };
  sustainable: boolean;
  /** Why not, when not. */
  shortfalls: string[];
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const int = (v: number): string => Math.round(v).toLocaleString('en-US');

/** Statuses, inbound messages and management changes (one each) in a webhook body. */
export function metaEventsOf(body: string): { statuses: number; inbound: number; management: number } {
  const out = { statuses: 0, inbound: 0, management: 0 };
  const envelope = JSON.parse(body) as { entry?: Array<{ changes?: Array<{ field?: string; value?: { statuses?: unknown[]; messages?: unknown[] } }> }> };
  for (const entry of envelope.entry ?? []) {
    for (const change of entry.changes ?? []) {
      if (change.field === 'messages') {
        out.statuses += change.value?.statuses?.length ?? 0;
        out.inbound += change.value?.messages?.length ?? 0;
      } else out.management += 1;
    }
  }
  return out;
}

const isWebhook = (d: Delivery): boolean => d.kind !== 'accepted';

/**
 * Traffic for about `webhooks` POSTs to the intake: the simulator's default
 * mix per tenant, scaled, over up to 12 tenants; every inbound kind at least
 * once per tenant. Regenerated once or twice until the count is within 5%.
 */
export function trafficFor(runId: string, webhooks: number): { plan: Plan; oracle: Oracle } {
  const tenants = Math.min(MAX_TENANTS, Math.max(2, Math.ceil(webhooks / 400)));
  let scale = webhooks / (tenants * WEBHOOKS_PER_MIX);
  const baseTime = Math.floor(Date.now() / 1000) - 60;
  for (let attempt = 0; ; attempt++) {
    const generated = generate({
      ...DEFAULT_GENERATE,
      seed: SEED,
      runId,
      tenants,
      messages: Math.max(1, Math.round(MIX.messages * scale)),
      inbound: Math.max(INBOUND_KINDS.length, Math.round(MIX.inbound * scale)),
      templates: Math.min(1000, Math.max(2, Math.round(MIX.templates * scale))),
      accountEvents: Math.max(MIX.accountEvents, Math.round(MIX.accountEvents * scale)),
      customers: Math.max(MIX.customers, Math.round(MIX.customers * scale)),
      duplicates: DUPLICATES,
      // Recent traffic, as chaos and the end-to-end test send it: open windows beside closed ones.
      baseTime,
    });
    const got = generated.plan.deliveries.filter(isWebhook).length;
    if (attempt === 2 || Math.abs(got - webhooks) <= webhooks * 0.05) return generated;
    scale *= webhooks / got;
  }
}

/**
 * One rate: the whole pipeline started fresh (new consumer groups and run
 * id), the simulator's traffic sent open loop at `rate` webhooks/s, a wait
 * until every projection holds the oracle's state, then the oracle's full
 * comparison, which must find nothing; anything else throws.
 */
export async function runPipelineAt(ctx: BenchContext, db: Client, spec: PipelineRunSpec): Promise<PipelineRun> {
  const { rate } = spec;
  const runId = `bpl-${randomBytes(3).toString('hex')}-${Math.round(rate)}`;
  const warmupWebhooks = Math.round(rate * spec.warmupS);
  const t0 = performance.now();
  const { plan, oracle } = trafficFor(runId, warmupWebhooks + Math.round(rate * spec.durationS));
  const webhooksPlanned = plan.deliveries.filter(isWebhook).length;
  ctx.log(
    `[bench] pipeline ${runId}: ${int(rate)} webhooks/s, ${plan.tenants.length} tenants, ${int(webhooksPlanned)} webhooks (${int(warmupWebhooks)} warm-up) + ${int(plan.deliveries.length - webhooksPlanned)} send acknowledgements, ${int(oracle.totals.messages)} outbound and ${int(oracle.totals.inbound)} inbound messages (generated in ${Math.round(performance.now() - t0)} ms)`,
  );

  const dir = mkdtempSync(join(tmpdir(), `wahooks-bench-${runId}-`));
  const suite = new Suite({ oracle, dir, sms: () => 'ok', graphFaults: false, appEnv: spec.nodeOptions ? { NODE_OPTIONS: spec.nodeOptions } : {} });
  const crashes: string[] = [];
  for (const app of suite.apps) app.onCrash = (c) => crashes.push(`${c.app} (pid ${c.pid}) exited by itself (${c.exit}): ${c.lastLines.join(' | ')}`);
  let windowMeter: PipelineMeter | undefined;
  let ok = false;
  try {
    const startupMs = await suite.start();
    ctx.log(`[bench] pipeline ${runId}: started ${startupMs.join(', ')}`);
    const creds = await provisionTenants(suite.intake.adminUrl, String(ctx.env['ADMIN_API_TOKEN'] ?? ''), runId, plan.tenants);
    // New groups start at the end of each partition once they fetch: let them settle, as chaos and the end-to-end test do.
    await sleep(2000);

    const pids = Object.fromEntries(suite.apps.map((a) => [a.name, a.pid]));
    const meter = new PipelineMeter(pids, brokerPid(ctx.env), db);
    windowMeter = meter;
    const metricsUrl = `${suite.intake.adminUrl}/metrics`;

    // The window opens when the first measured webhook is due.
    const startAt = performance.now() + 100;
    const measuredFrom = startAt + (warmupWebhooks * 1000) / rate;
    const opened = (async (): Promise<ProduceBatches | undefined> => {
      await sleep(Math.max(0, measuredFrom - performance.now()));
      meter.start();
      return produceBatchesAt(metricsUrl);
    })();

    const latencies = new LatencyRecorder();
    const lags = new LatencyRecorder();
    const ack: Omit<AckStats, 'latencyMs' | 'sendLagMs'> = { webhooks: 0, acked: 0, refused: 0, noAnswer: 0, retried: 0, outcomes: {} };
    const events = { statuses: 0, inbound: 0, management: 0 };
    const acceptedFailed: Record<string, number> = {};
    const acceptedLatencies = new LatencyRecorder();
    let warmFailures = 0;
    let lastAckAt = 0;
    // Each measured webhook's Meta events, counted before the clock starts; the first ones are the warm-up.
    const measured = new Map<number, ReturnType<typeof metaEventsOf>>();
    for (const d of plan.deliveries.filter(isWebhook).slice(warmupWebhooks)) measured.set(d.seq, metaEventsOf(d.body));
    const onSettled = (d: Delivery, s: Settled): void => {
      if (s.outcome === 'acked') lastAckAt = Math.max(lastAckAt, s.settledAt);
      if (!isWebhook(d)) {
        for (const label of s.failed) acceptedFailed[label] = (acceptedFailed[label] ?? 0) + 1;
        if (s.outcome === 'acked') acceptedLatencies.record(s.settledAt - s.dueAt);
        return;
      }
      const e = measured.get(d.seq);
      if (!e) {
        warmFailures += s.failed.length;
        return;
      }
      ack.webhooks += 1;
      events.statuses += e.statuses;
      events.inbound += e.inbound;
      events.management += e.management;
      lags.record(Math.max(0, s.sentAt - s.dueAt));
      ack.retried += s.attempts - 1;
      for (const label of s.failed) {
        ack.outcomes[label] = (ack.outcomes[label] ?? 0) + 1;
        if (/^\d+$/.test(label)) ack.refused += 1;
        else ack.noAnswer += 1;
      }
      if (s.outcome === 'acked') {
        ack.acked += 1;
        ack.outcomes['2xx'] = (ack.outcomes['2xx'] ?? 0) + 1;
        latencies.record(s.settledAt - s.dueAt);
      }
    };
    const sent = await sendPlan(plan, {
      intakeUrl: suite.intake.url,
      statusProjectorUrl: suite.status.url,
      rate,
      pace: 'webhooks',
      startAt,
      timeoutMs: 5000,
      // Meta retries for days; a run gives up when it would stop waiting for the projections anyway.
      giveUpAfterMs: waitLimitMs(spec),
      apiKeys: new Map(creds.tenants.map((t) => [t.id, t.apiKey])),
      platformSecret: String(ctx.env['PLATFORM_APP_SECRETS'] ?? '').split(',')[0]?.trim() || undefined,
      log: (line) => ctx.log(`[bench] pipeline ${runId}: ${line}`),
      onSettled,
    });
    const batchesBefore = await opened;
    if (sent.dropped.length + sent.gaveUp.length > 0) {
      const list = [...sent.dropped, ...sent.gaveUp].slice(0, 5).map((f) => `#${f.seq} ${f.kind} ${f.tenantId}: ${f.last}`);
      throw new Error(`pipeline ${runId}: ${sent.dropped.length} deliveries refused for good (4xx) and ${sent.gaveUp.length} given up on; the oracle cannot hold. First: ${list.join('; ')}`);
    }
    if (warmFailures > 0) ctx.log(`[bench] pipeline ${runId}: ${warmFailures} failed attempts during the warm-up (not counted)`);
    ctx.log(`[bench] pipeline ${runId}: every delivery acknowledged; outcomes ${JSON.stringify(sent.outcomes)}, ${sent.retries} retries, at most ${sent.maxInFlight} in flight`);

    // Until every projection holds the oracle's state.
    const probe = await waitCaughtUp(ctx, runId, db, oracle, creds, suite, meter, spec);
    const batchesAfter = await produceBatchesAt(metricsUrl);
    meter.stop();
    if (crashes.length) throw new Error(`pipeline ${runId}: ${crashes.join('; ')}`);

    // The oracle's whole comparison: every message on its own, every stored medium by its bytes, the SMS and the Graph API's books.
    const verify = await verifyFully(oracle, creds, suite, ctx, runId);
    const sms = checkSms(suite.provider, oracle);
    if (!sms.ok) throw new Error(`pipeline ${runId}: the SMS provider's books differ from the oracle: ${JSON.stringify({ ...sms, missing: sms.missing.slice(0, 5), unexpected: sms.unexpected.slice(0, 5), twiceForOneMessage: sms.twiceForOneMessage.slice(0, 5) })}`);
    if (suite.graph.counts.unauthorized + suite.graph.counts.unknownMedia > 0) throw new Error(`pipeline ${runId}: the fake Graph API saw requests it should not have: ${JSON.stringify(suite.graph.counts)}`);
    if (crashes.length) throw new Error(`pipeline ${runId}: ${crashes.join('; ')}`);

    const metaEvents = events.statuses + events.inbound + events.management;
    const latencyMs = latencies.summary();
    const catchUpS = (probe.caughtAt - lastAckAt) / 1000;
    const windowS = (probe.caughtAt - measuredFrom) / 1000;
    const shortfalls: string[] = [];
    if (ack.refused + ack.noAnswer > 0) shortfalls.push(`${int(ack.refused + ack.noAnswer)} attempts not acknowledged`);
    if (latencyMs.p99 > ACK_P99_BOUND_MS) shortfalls.push(`ack p99 ${int(latencyMs.p99)} ms > ${ACK_P99_BOUND_MS}`);
    if (catchUpS > CATCH_UP_BOUND_S) shortfalls.push(`complete ${catchUpS.toFixed(1)} s after the last ack > ${CATCH_UP_BOUND_S}`);
    const run: PipelineRun = {
      spec,
      runId,
      traffic: {
        tenants: plan.tenants.length,
        webhooks: ack.webhooks,
        warmupWebhooks: webhooksPlanned - ack.webhooks,
        accepted: plan.deliveries.length - webhooksPlanned,
        duplicates: oracle.totals.duplicateDeliveries,
        platform: oracle.totals.platformDeliveries,
        metaEvents,
        ...events,
        oracle: { messages: oracle.totals.messages, inbound: oracle.totals.inbound, smsFallbacks: oracle.totals.smsFallbacks, media: oracle.totals.inboundMedia, templates: oracle.templates.length },
      },
      startupMs,
      ack: { ...ack, latencyMs, sendLagMs: lags.summary() },
      acceptedFailed,
      acceptedLatencyMs: acceptedLatencies.summary(),
      lastAckS: (lastAckAt - measuredFrom) / 1000,
      catchUpS,
      timedBy: probe.timedBy,
      windowS,
      metaEventsPerSecond: metaEvents / windowS,
      cpu: probe.cpu,
      peakRssMiB: probe.peakRssMiB,
      verify: { differences: verify.differences.length, rounds: verify.rounds, elapsedMs: verify.elapsedMs, checked: verify.checked, sms: { expected: sms.expected, sent: sms.sentToProvider }, media: suite.graph.counts.file ?? 0 },
      sustainable: shortfalls.length === 0,
      shortfalls,
    };
    if (batchesBefore && batchesAfter && batchesAfter.count > batchesBefore.count) {
      const n = batchesAfter.count - batchesBefore.count;
      run.produce = { recordsPerProduce: (batchesAfter.records - batchesBefore.records) / n };
      if (batchesBefore.seconds !== undefined && batchesAfter.seconds !== undefined) run.produce.produceMs = ((batchesAfter.seconds - batchesBefore.seconds) * 1000) / n;
    }
    ctx.log(
      `[bench] pipeline ${runId}: ${int(rate)} webhooks/s: ack p50 ${latencyMs.p50.toFixed(1)} / p99 ${latencyMs.p99.toFixed(1)} / max ${latencyMs.max.toFixed(0)} ms, ${int(ack.acked)} acked, ${ack.refused} refused, ${ack.noAnswer} unanswered, ${ack.retried} retried; complete ${catchUpS.toFixed(2)} s after the last ack; ${int(run.metaEventsPerSecond)} Meta events/s; oracle: 0 differences; ${run.sustainable ? 'sustainable' : `not sustainable (${shortfalls.join(', ')})`}`,
    );
    ok = true;
    return run;
  } finally {
    windowMeter?.stop();
    await suite.close();
    if (ok) rmSync(dir, { recursive: true, force: true });
    else ctx.log(`[bench] pipeline ${runId}: the services' logs are in ${join(dir, 'logs')}`);
  }
}

interface Probe {
  caughtAt: number;
  /** What timed the catch-up: the database's counts (confirmed by one round of the read APIs), or the read APIs themselves. */
  timedBy: string;
  cpu: PipelineCpu;
  peakRssMiB: Partial<Record<AppName, number>>;
}

const SERVICES: Service[] = ['status-projector', 'fallback-trigger', 'template-monitor', 'inbound-reply'];

/** How long a run waits for a delivery to be acknowledged, and for the projections after the last ack: 2 minutes + 10 s per second of traffic. */
const waitLimitMs = (spec: PipelineRunSpec): number => 120_000 + 10_000 * (spec.durationS + spec.warmupS);

/**
 * Waits until every projection holds the oracle's state. The clock is the
 * completeness probe (counts in Postgres, every 100 ms: cheap, and read by
 * nobody's read API); when it says complete, the CPU and memory are read and
 * the oracle's comparison in its quick form (inbound messages from their
 * conversations' pages) reads every service's read API once. Should that
 * still find differences, the parts (one tenant in one service) that differ
 * are re-read every 100 ms until they match, and the catch-up ends there.
 */
async function waitCaughtUp(ctx: BenchContext, runId: string, db: Client, oracle: Oracle, creds: Credentials, suite: Suite, meter: PipelineMeter, spec: PipelineRunSpec): Promise<Probe> {
  const limitMs = waitLimitMs(spec);
  const started = performance.now();
  const snapshot = async (timedBy: string): Promise<Probe> => {
    const caughtAt = performance.now();
    const peakRssMiB = Object.fromEntries(suite.apps.map((a) => [a.name, memoryOf(a.pid)?.peakMiB]).filter(([, v]) => v !== undefined));
    return { caughtAt, timedBy, cpu: await meter.read(), peakRssMiB };
  };
  const probe = new CompletenessProbe(db, oracle);
  let lastLog = started;
  let state = await probe.check();
  while (!state.done && performance.now() - started < limitMs) {
    if (performance.now() - lastLog > 10_000) {
      lastLog = performance.now();
      ctx.log(`[bench] pipeline ${runId}: ${Math.round((lastLog - started) / 1000)} s after the last ack, still behind: ${state.detail}`);
    }
    await sleep(100);
    state = await probe.check();
  }
  let found = state.done ? await snapshot('database counts, confirmed by one read of every read API') : undefined;

  // The read APIs have the last word.
  let pending = new Set(oracle.tenants.flatMap((t) => SERVICES.map((s) => `${t}|${s}`)));
  for (let round = 1; ; round++) {
    const report = await compareOnce(oracle, creds, { ...suite.readUrls(), smsStatus: 'sent', waitMs: 0, log: () => undefined, quick: true, only: (t, s) => pending.has(`${t}|${s}`) });
    const behind = new Set(report.differences.map((d) => `${d.tenantId}|${d.service}`));
    pending = new Set([...pending].filter((p) => behind.has(p)));
    if (pending.size === 0) {
      if (!state.done) throw new Error(`pipeline ${runId}: the read APIs hold the oracle's state but the bench's completeness probe never matched (${state.detail}): bench/src/suites/pipeline-complete.ts asks the wrong question`);
      return found ?? (await snapshot(`the read APIs (${round} rounds after the database's counts matched)`));
    }
    if (found) {
      ctx.log(`[bench] pipeline ${runId}: the database's counts matched but the read APIs still differ (${summarize(report.differences)}); timing by the read APIs`);
      found = undefined;
    }
    if (performance.now() - started > limitMs) {
      throw new Error(`pipeline ${runId}: the projections did not reach the oracle's state within ${Math.round(limitMs / 1000)} s of the last ack: ${report.differences.length} differences (${summarize(report.differences)}); first: ${JSON.stringify(report.differences.slice(0, 5))}`);
    }
    await sleep(100);
  }
}

/** The oracle's full comparison, tenants four at a time; up to three rounds in 30 s, then every difference is fatal. */
async function verifyFully(oracle: Oracle, creds: Credentials, suite: Suite, ctx: BenchContext, runId: string): Promise<VerifyReport> {
  const started = performance.now();
  const options: VerifyOptions = { ...suite.readUrls(), smsStatus: 'sent', waitMs: 0, log: () => undefined };
  for (let round = 1; ; round++) {
    const reports: VerifyReport[] = [];
    const queue = [...oracle.tenants];
    await Promise.all(
      Array.from({ length: Math.min(4, queue.length) }, async () => {
        for (let t = queue.shift(); t !== undefined; t = queue.shift()) {
          // One tenant's oracle (compareOnce counts the messages and templates it was given as checked).
          const own = { ...oracle, tenants: [t], messages: oracle.messages.filter((m) => m.tenantId === t), templates: oracle.templates.filter((x) => x.tenantId === t) };
          reports.push(await compareOnce(own, creds, options));
        }
      }),
    );
    const differences = reports.flatMap((r) => r.differences);
    const checked = { ...reports[0]!.checked };
    for (const r of reports.slice(1)) for (const k of Object.keys(checked) as Array<keyof typeof checked>) checked[k] += r.checked[k];
    const report: VerifyReport = { ok: differences.length === 0, differences, checked, rounds: round, elapsedMs: Math.round(performance.now() - started) };
    if (report.ok) {
      if (round > 1) ctx.log(`[bench] pipeline ${runId}: the full comparison needed ${round} rounds (the quick one had found nothing left)`);
      return report;
    }
    if (round >= 3 || performance.now() - started > 30_000) {
      throw new Error(`pipeline ${runId}: the oracle's comparison found ${differences.length} differences (${summarize(differences)}); first: ${JSON.stringify(differences.slice(0, 10))}`);
    }
    await sleep(3000);
  }
}
