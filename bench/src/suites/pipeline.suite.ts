import { Client } from 'pg';

import type { LoadResult } from '../load/stats';
import { DISTURBED_CORES } from '../report';
import type { BenchContext, Figure, RunRow, Suite, SuiteReport } from '../suite';
import { ACK_P99_BOUND_MS, APPS, CATCH_UP_BOUND_S, PipelineRun, PipelineRunSpec, runPipelineAt } from './pipeline-run';

/** The issue's targets. */
const FIGURE_RATE = 1000;
const CPU_PER_EVENT_TARGET_MS = 1.0;
const SUSTAINED_EVENTS_TARGET = 1800;
/** Search: at most this many extra runs, stopping once the bracket is within 10% (and 50/s). */
const SEARCH_STEPS = 4;
const SEARCH_STEP_ROUNDING = 25;

const int = (v: number): string => Math.round(v).toLocaleString('en-US');
const ms = (v: number): string => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));
const label = (r: PipelineRun): string => `${int(r.spec.rate)}/s${r.spec.kind === 'search' ? ' (search)' : ''}`;

/** CPU seconds of the whole suite: the five apps, the broker and Postgres (every process of the server). */
function suiteSeconds(r: PipelineRun): number {
  return Object.values(r.cpu.apps).reduce((a, b) => a + b, 0) + (r.cpu.broker ?? 0) + (r.cpu.postgres ?? 0);
}

/** ms of CPU per Meta event. */
const perEvent = (seconds: number | undefined, r: PipelineRun): string => (seconds === undefined || r.traffic.metaEvents === 0 ? '–' : ((seconds * 1000) / r.traffic.metaEvents).toFixed(3));
const cpuPerEventMs = (r: PipelineRun): number => (suiteSeconds(r) * 1000) / Math.max(1, r.traffic.metaEvents);

/** Average cores the rest of the machine used (everything not named), and whether that disturbed the run. */
function restOfMachine(r: PipelineRun): string {
  if (r.cpu.machine === undefined) return '–';
  const cores = Math.max(0, (r.cpu.machine - suiteSeconds(r) - r.cpu.bench) / r.cpu.wallSeconds);
  return `${cores.toFixed(2)}${cores > DISTURBED_CORES ? ' ⚠' : ''}`;
}

function loadResult(r: PipelineRun): LoadResult {
  const a = r.ack;
  return {
    generator: 'paced',
    mode: 'rate',
    connections: 0,
    durationS: r.spec.durationS,
    offeredRate: r.spec.rate,
    sent: a.webhooks,
    completed: a.acked,
    ok: a.acked,
    non2xx: a.refused,
    errors: a.noAnswer,
    okPerSec: a.acked / r.spec.durationS,
    latencyMs: a.latencyMs,
    sendLagMs: a.sendLagMs,
    statusCounts: a.outcomes,
  };
}

function runRow(r: PipelineRun): RunRow {
  const cores = (s: number | undefined): number | undefined => (s === undefined ? undefined : s / r.cpu.wallSeconds);
  const row: RunRow = {
    target: 'wahooks intake, whole pipeline running',
    load: `${int(r.spec.rate)} webhooks/s simulator traffic, open loop, ${r.spec.durationS} s${r.spec.kind === 'search' ? ' (search)' : ''}`,
    result: loadResult(r),
    cpu: { target: cores(r.cpu.apps['intake']), broker: cores(r.cpu.broker), loadGenerator: r.cpu.bench / r.cpu.wallSeconds },
  };
  if (r.produce) {
    row.recordsPerProduce = r.produce.recordsPerProduce;
    if (r.produce.produceMs !== undefined) row.produceMs = r.produce.produceMs;
  }
  return row;
}

function pipelineTable(runs: PipelineRun[]): string {
  const base = runs[0] ? cpuPerEventMs(runs[0]) : 0;
  return [
    '| Rate (webhooks/s) | Webhooks (Meta events) | Acked / refused / unanswered / retried | Ack p50 / p99 / max ms, from the scheduled send | Sender lag p99 ms | Last ack, s after the measured start | Last ack → every projection complete | Meta events/s end to end | Whole-suite CPU ms per Meta event | vs first row | Sustainable |',
    '|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|',
    ...runs.map((r) => {
      const a = r.ack;
      const l = a.latencyMs;
      const cost = cpuPerEventMs(r);
      return `| ${label(r)} | ${int(a.webhooks)} (${int(r.traffic.metaEvents)}) | ${int(a.acked)} / ${int(a.refused)} / ${int(a.noAnswer)} / ${int(a.retried)} | ${ms(l.p50)} / ${ms(l.p99)} / ${ms(l.max)} | ${ms(a.sendLagMs.p99)} | ${r.lastAckS.toFixed(2)} | ${r.catchUpS.toFixed(2)} s | ${int(r.metaEventsPerSecond)} | ${cost.toFixed(3)} | ${base > 0 ? `${(cost / base).toFixed(2)}×` : '–'} | ${r.sustainable ? 'yes' : `no: ${r.shortfalls.join('; ')}`} |`;
    }),
  ].join('\n');
}

function cpuTable(runs: PipelineRun[]): string {
  return [
    `| Rate | ${APPS.join(' | ')} | Kafka broker | Postgres (all processes) | of which this database's backends | whole suite | bench (sender, fakes) | rest of the machine, cores |`,
    `|---|${APPS.map(() => '--:').join('|')}|--:|--:|--:|--:|--:|--:|`,
    ...runs.map(
      (r) =>
        `| ${label(r)} | ${APPS.map((a) => perEvent(r.cpu.apps[a], r)).join(' | ')} | ${perEvent(r.cpu.broker, r)} | ${perEvent(r.cpu.postgres, r)} | ${perEvent(r.cpu.postgresDatabase, r)} | **${perEvent(suiteSeconds(r), r)}** (${(suiteSeconds(r) / r.cpu.wallSeconds).toFixed(2)} cores) | ${perEvent(r.cpu.bench, r)} | ${restOfMachine(r)} |`,
    ),
  ].join('\n');
}

function memoryTable(runs: PipelineRun[], nodeOptions: string | undefined): string {
  const mib = (v: number | undefined): string => (v === undefined ? '–' : v.toFixed(0));
  return [
    `| Rate | ${APPS.join(' | ')} |`,
    `|---|${APPS.map(() => '--:').join('|')}|`,
    ...runs.map((r) => `| ${label(r)} | ${APPS.map((a) => mib(r.peakRssMiB[a])).join(' | ')} |`),
    '',
    `Peak resident set size (VmHWM of /proc/<pid>/status, MiB) of each service's process from its start to the moment every projection was complete; NODE_OPTIONS of the services: ${nodeOptions ? `\`${nodeOptions}\`` : 'none (Node defaults)'}.`,
  ].join('\n');
}

function trafficTable(runs: PipelineRun[]): string {
  return [
    '| Rate | Tenants | Webhooks measured (+ warm-up) | Statuses / inbound messages / management changes | In the plan: platform-URL POSTs / byte-identical re-sends / send acknowledgements | Send acknowledgements: p50 / p99 ms from the scheduled send; failed attempts | Oracle: outbound / inbound messages (media) / templates / SMS | Catch-up timed by | Full comparison |',
    '|---|--:|--:|--:|--:|--:|--:|---|---|',
    ...runs.map((r) => {
      const t = r.traffic;
      const v = r.verify;
      return `| ${label(r)} | ${t.tenants} | ${int(t.webhooks)} (+ ${int(t.warmupWebhooks)}) | ${int(t.statuses)} / ${int(t.inbound)} / ${int(t.management)} | ${int(t.platform)} / ${int(t.duplicates)} / ${int(t.accepted)} | ${ms(r.acceptedLatencyMs.p50)} / ${ms(r.acceptedLatencyMs.p99)}; ${acceptedFailures(r)} | ${int(t.oracle.messages)} / ${int(t.oracle.inbound)} (${int(t.oracle.media)}) / ${int(t.oracle.templates)} / ${int(t.oracle.smsFallbacks)} | ${r.timedBy} | 0 differences (${int(v.checked.messages)} messages, ${int(v.checked.inbound)} inbound, ${int(v.checked.media)} media bytes, ${int(v.sms.sent)} SMS, ${v.rounds} round${v.rounds > 1 ? 's' : ''}, ${(v.elapsedMs / 1000).toFixed(1)} s) |`;
    }),
  ].join('\n');
}

/** The status projector's answers to the send acknowledgements other than 2xx, by label. */
const acceptedFailures = (r: PipelineRun): string => {
  const entries = Object.entries(r.acceptedFailed);
  return entries.length ? entries.map(([k, n]) => `${int(n)}× ${k}`).join(', ') : '0';
};

interface SearchResult {
  skipped: boolean;
  highest: number;
  lowestFailing: number | undefined;
  steps: PipelineRun[];
}

/**
 * Bracket from the fixed rates, then bisect (or double while everything
 * passes), at most SEARCH_STEPS runs. A rate whose run failed counts as not
 * sustainable.
 */
async function search(ctx: BenchContext, runs: PipelineRun[], failedRates: number[], run: (rate: number) => Promise<PipelineRun | undefined>): Promise<SearchResult> {
  const steps: PipelineRun[] = [];
  const bracket = (): { lo: number; hi: number | undefined } => {
    const all = [...runs, ...steps];
    const lo = Math.max(0, ...all.filter((r) => r.sustainable).map((r) => r.spec.rate));
    const above = [...all.filter((r) => !r.sustainable).map((r) => r.spec.rate), ...failedRates].filter((rate) => rate > lo);
    return { lo, hi: above.length ? Math.min(...above) : undefined };
  };
  if (!ctx.options.search) return { skipped: true, ...(({ lo, hi }) => ({ highest: lo, lowestFailing: hi }))(bracket()), steps };
  for (let i = 0; i < SEARCH_STEPS; i++) {
    const { lo, hi } = bracket();
    let next: number;
    if (hi === undefined) next = lo * 2;
    else {
      if (hi - lo <= Math.max(50, 0.1 * hi)) break;
      next = Math.round((lo + hi) / 2 / SEARCH_STEP_ROUNDING) * SEARCH_STEP_ROUNDING;
      if (next <= lo || next >= hi) break;
    }
    if (next <= 0) break;
    ctx.log(`[bench] pipeline search: ${int(lo)}/s sustainable, ${hi === undefined ? 'nothing above failed yet' : `${int(hi)}/s not`}; trying ${int(next)}/s`);
    const step = await run(next);
    if (step) steps.push(step);
  }
  const { lo, hi } = bracket();
  return { skipped: false, highest: lo, lowestFailing: hi, steps };
}

function figures(ctx: BenchContext, runs: PipelineRun[], found: SearchResult): Figure[] {
  if (runs.length === 0) return [{ name: 'Every run of the pipeline suite', target: 'completes with the oracle\'s state', measured: 'none did (see Failed runs)', pass: false }];
  const at = runs.find((r) => r.spec.kind === 'fixed' && r.spec.rate === FIGURE_RATE);
  const sustainable = runs.filter((r) => r.sustainable);
  const best = sustainable.reduce<PipelineRun | undefined>((a, b) => (!a || b.metaEventsPerSecond > a.metaEventsPerSecond ? b : a), undefined);
  const costRun = at ?? best ?? runs[runs.length - 1]!;
  const notRun = `not measured: ${int(FIGURE_RATE)}/s was not among --rates (${ctx.options.pipelineRates.join(',')})`;
  const cost = cpuPerEventMs(costRun);
  const parts = `${APPS.map((a) => `${a} ${perEvent(costRun.cpu.apps[a], costRun)}`).join(', ')}, Kafka ${perEvent(costRun.cpu.broker, costRun)}, Postgres ${perEvent(costRun.cpu.postgres, costRun)}`;
  const searched = found.skipped ? 'no search (--no-search or --smoke): ' : '';
  return [
    {
      name: `Whole-suite CPU per Meta event (five services, Kafka, Postgres), at ${int(costRun.spec.rate)} webhooks/s`,
      target: `≤ ${CPU_PER_EVENT_TARGET_MS.toFixed(1)} ms`,
      measured: `${cost.toFixed(3)} ms (${parts})`,
      pass: cost <= CPU_PER_EVENT_TARGET_MS,
    },
    {
      name: `Intake ack p99 at ${int(FIGURE_RATE)} webhooks/s, from each POST's scheduled send time, the whole pipeline running`,
      target: `≤ ${ACK_P99_BOUND_MS} ms, every POST acknowledged 2xx at its first attempt`,
      measured: at
        ? `${ms(at.ack.latencyMs.p99)} ms (p50 ${ms(at.ack.latencyMs.p50)}, max ${ms(at.ack.latencyMs.max)}; ${int(at.ack.refused + at.ack.noAnswer)} attempts not acknowledged)`
        : notRun,
      pass: !!at && at.ack.latencyMs.p99 <= ACK_P99_BOUND_MS && at.ack.refused + at.ack.noAnswer === 0,
    },
    {
      name: `Every projection complete after the last ack at ${int(FIGURE_RATE)} webhooks/s (the oracle's comparison: 0 differences)`,
      target: `≤ ${CATCH_UP_BOUND_S} s`,
      measured: at ? `${at.catchUpS.toFixed(2)} s` : notRun,
      pass: !!at && at.catchUpS <= CATCH_UP_BOUND_S,
    },
    {
      name: 'Sustained Meta events/s end to end (statuses + inbound messages + management events, first measured send → every projection complete), best sustainable run',
      target: `≥ ${int(SUSTAINED_EVENTS_TARGET)}/s`,
      measured: best ? `${int(best.metaEventsPerSecond)}/s at ${int(best.spec.rate)} webhooks/s` : 'no run was sustainable',
      pass: !!best && best.metaEventsPerSecond >= SUSTAINED_EVENTS_TARGET,
    },
    {
      name: `Highest sustainable rate (every POST acked 2xx at once, ack p99 ≤ ${ACK_P99_BOUND_MS} ms, complete ≤ ${CATCH_UP_BOUND_S} s after the last ack)`,
      target: 'recorded (no target set)',
      measured: `${searched}${found.highest > 0 ? `${int(found.highest)} webhooks/s` : 'no rate run was sustainable'}${found.lowestFailing !== undefined ? `; ${int(found.lowestFailing)}/s was not` : found.highest > 0 ? '; no higher rate was run' : ''}`,
      pass: true,
    },
  ];
}

const COLUMNS = [
  '**Columns.**',
  [
    '- *First table* (the intake\'s side): ack latency percentiles of the measured webhooks from their scheduled send time; "2xx" acknowledged webhooks, "non-2xx" attempts answered otherwise, "errors" attempts unanswered (timeout, connection error); records per produce request of the intake (mean ms per produce) from its /metrics; average cores of the intake, the broker and the bench (sender and fakes) over the window.',
    '- *Pipeline*: webhooks measured and the Meta events in them; acked (webhooks answered 2xx), refused (attempts answered non-2xx), unanswered (attempts timed out or cut), retried (attempts after the first); ack p50/p99/max from the scheduled send; sender lag p99 (how late the bench itself started a POST, part of the latency); when the last ack came, counted from the measured start; the catch-up after it; Meta events/s end to end; whole-suite CPU per Meta event, and that cost against the first row; sustainable, or what missed.',
    '- *CPU per Meta event*: ms of CPU of each process over the window ÷ the measured Meta events; "whole suite" sums the five services, the broker and Postgres (all processes), with its average cores; "rest of the machine" is in cores.',
    '- *Peak memory*: VmHWM of each service\'s process.',
    '- *Traffic and verification*: what was sent (platform-URL POSTs, re-sends and send acknowledgements count the whole plan, warm-up included), how fast the status projector acknowledged the send acknowledgements and what it failed, what the oracle expects, what timed the catch-up, and the oracle\'s full comparison.',
  ].join('\n'),
];

function methodNotes(ctx: BenchContext, runs: PipelineRun[], found: SearchResult): string[] {
  const o = ctx.options;
  const first = runs[0];
  return [
    '**Method.**',
    [
      `- Run: \`npm run bench -- --suite pipeline\` (fixed rates 500, 1,000 and 2,000 webhooks/s, 20 s each, then the search); \`--rates <r,r>\`, \`--duration <s>\`, \`--no-search\` and \`--node-options "<NODE_OPTIONS of the services>"\` for shorter or other runs. This run: rates ${o.pipelineRates.join(', ')}, ${o.pipelineDurationS} s each after ${o.pipelineWarmupS} s of the same traffic unmeasured (\`--warmup\`, default 10 s: five freshly started processes are slow until their code is compiled), search ${o.search ? 'on' : 'off'}.`,
      `- Every rate starts the whole pipeline afresh, as deployed: intake, status-projector, fallback-trigger, template-monitor and inbound-reply, each its own process from its compiled main.js (the simulator's \`Suite\`), on new consumer groups (\`<run id>-<service>\`, from the end of each partition) and a new run id, so no run sees another's data; the real broker and database (\`${String(ctx.env['KAFKA_TOPIC_PREFIX'] ?? '')}\` topics, \`${dbName(ctx)}\`). The fallback trigger's SMS provider and inbound-reply's Graph API are the simulator's fakes, in the bench's process.`,
      `- Traffic: the simulator's (tools/simulator, docs/simulator.md) at its default mix per tenant, scaled to rate × (warm-up + duration) webhooks over up to 12 tenants: outbound lifecycles (statuses, failures with their error codes, SMS fallbacks), inbound messages of every kind (media downloaded from the fake Graph API), template and account events, 30% of updates on the shared platform URL, 1–6 updates per POST, reordering, status and message re-batching, and 5% of POSTs re-sent byte-identical. The send acknowledgements (\`POST /v1/messages/accepted\` to the status projector) go out with the webhook due next and are not counted as webhooks. Meta events = statuses + inbound messages + management changes in the measured webhooks, re-sends included.`,
      `- Open loop: webhook *i* is due at start + *i*/rate whether or not earlier ones were answered, and retried like Meta (at once, then 0.5, 1, 2 … 30 s) on anything but 2xx. Ack latency is measured from the scheduled time to the 2xx, retries included, so a stall is charged to every POST due during it (no coordinated omission); the sender's own lateness (lag) is part of it and shown. Refused = attempts answered non-2xx; unanswered = timeouts (5 s) and connection errors; retried = attempts after the first.`,
      `- Complete: "last ack" is the last 2xx of any delivery (webhooks and send acknowledgements). From then on the bench asks Postgres every 100 ms for a few counts over the run's tenants (bench/src/suites/pipeline-complete.ts: messages per final status, failures decided and SMS sent, templates per status, inbound messages, conversations, contacts and stored media, nothing left in the outbox) against the oracle's; that clock costs the services nothing and resolves a tenth of a second. When they match, the catch-up ends and the CPU and memory are read; then the oracle's comparison reads every service's read API once (quick form: inbound messages from their conversations' pages). Should it still find a difference, the parts (one tenant in one service) that differ are re-read every 100 ms until they match and the catch-up ends there instead ("Catch-up timed by" says which). Finally the oracle's full comparison (every inbound message on its own, every stored medium by its bytes, every SMS at the provider exactly once, no request the fake Graph API should not have had) must find 0 differences, or the run is reported as failed (at the top of this section, the other rates still run) and the bench exits 1; so is a run where a service exits by itself or a delivery is given up on.`,
      `- Sustainable: every measured POST acknowledged 2xx at its first attempt, ack p99 ≤ ${ACK_P99_BOUND_MS} ms, and complete ≤ ${CATCH_UP_BOUND_S} s after the last ack (the issue's bounds at 1,000/s). The search starts from the fixed rates' bracket (highest sustainable, lowest not), bisects it (or doubles while everything passes), in steps of ${SEARCH_STEP_ROUNDING}/s, at most ${SEARCH_STEPS} runs, until the bracket is within 10%${found.skipped ? '; skipped in this run' : ''}.`,
      `- Meta events/s end to end = measured Meta events ÷ (first measured webhook due → every projection complete).`,
      `- CPU: utime + stime from /proc/<pid>/stat at the start of the measured window (the first measured webhook's due time) and at the end of the catch-up: each service's process (every thread), the Kafka JVM (scripts/kafka.sh's pid file), Postgres as every postgres process of the server including backends that exited (the postmaster's children times, as the consumer suites count it), and beside it the backends of the bench's database alone (pids from pg_stat_activity every 0.5 s; on a shared server that column is ours, the other includes everybody's). Whole suite = the five services + Kafka + Postgres (all). The bench (sender, fakes) is not part of the suite; the counts it polls cost Postgres a little inside the window, the read APIs are read after it. Rest of the machine = every core's busy time minus all of these (⚠ above ${DISTURBED_CORES} cores: the run was disturbed). Each figure is ms of CPU per Meta event; the warm-up's last records may still be processed in the window, which errs on the expensive side.`,
      `- No baseline runs beside this suite: each service's own against a plain baseline is in its suite above. Ratios here are against the first row of the same run ("vs first row": how the cost per event moves with the rate).`,
      `- Shared machine: the broker and Postgres serve every other user of this machine too; their columns and "rest of the machine" show it. Figures to compare come from a machine otherwise idle.`,
      ...(first ? [`- Start-up of the first run (ms until /health/ready): ${first.startupMs.join(', ')}.`] : []),
    ].join('\n'),
  ];
}

const dbName = (ctx: BenchContext): string => {
  try {
    return new URL(String(ctx.env['DATABASE_URL'] ?? '')).pathname.replace(/^\//, '') || '?';
  } catch {
    return '?';
  }
};

/**
 * Issue 14: the whole pipeline as deployed under the simulator's Meta-like
 * traffic, open loop at fixed webhook rates and a search for the highest
 * sustainable one; per rate the intake's ack latency from the scheduled send,
 * the time until every projection is complete (the oracle's comparison must
 * find nothing), Meta events/s end to end, and CPU per Meta event and peak
 * memory per process.
 */
export const pipelineSuite: Suite = {
  id: 'pipeline',
  title: 'Pipeline: every service as deployed, simulator traffic at fixed webhook rates',
  async run(ctx: BenchContext): Promise<SuiteReport> {
    const o = ctx.options;
    const db = new Client({ connectionString: ctx.env['DATABASE_URL'] });
    await db.connect();
    try {
      const failures: string[] = [];
      const failedRates: number[] = [];
      // A run that fails (the oracle's state not reached, a crash) is reported and the others still run; the bench exits 1.
      const attempt = async (rate: number, kind: PipelineRunSpec['kind']): Promise<PipelineRun | undefined> => {
        try {
          return await runPipelineAt(ctx, db, { rate, durationS: o.pipelineDurationS, warmupS: o.pipelineWarmupS, kind, nodeOptions: o.serviceNodeOptions });
        } catch (error) {
          const message = error instanceof Error ? error.message : String(error);
          ctx.log(`[bench] pipeline ${int(rate)} webhooks/s FAILED: ${message}`);
          failures.push(`${int(rate)} webhooks/s${kind === 'search' ? ' (search)' : ''}: ${message}`);
          failedRates.push(rate);
          return undefined;
        }
      };
      const runs: PipelineRun[] = [];
      for (const rate of o.pipelineRates) {
        const run = await attempt(rate, 'fixed');
        if (run) runs.push(run);
      }
      const found = await search(ctx, runs, failedRates, (rate) => attempt(rate, 'search'));
      const all = [...runs, ...found.steps];
      return {
        failures,
        figures: figures(ctx, all, found),
        runs: all.map(runRow),
        notes: [
          'The table above is the intake\'s side of each run (its CPU cores, the broker\'s and the bench\'s; records per produce request of the intake). The pipeline\'s side:',
          pipelineTable(all),
          '**CPU per Meta event** (ms; the window of each run, see Method):',
          cpuTable(all),
          '**Peak memory per service:**',
          memoryTable(all, o.serviceNodeOptions),
          '**Traffic and verification:**',
          trafficTable(all),
          ...COLUMNS,
          ...methodNotes(ctx, all, found),
        ],
        artifacts: [],
      };
    } finally {
      await db.end();
    }
  },
};
