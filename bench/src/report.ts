import type { LoadResult } from './load/stats';
import type { MachineInfo } from './machine';
import type { RunRow, Suite, SuiteReport } from './suite';

export interface RunMeta {
  date: Date;
  command: string;
  smoke: boolean;
}

const HEADER = `# Benchmarks

Measured figures of wahooks, each against its baseline in the same run on
the machine described in its section. Written by \`npm run bench\`
(bench/src/main.ts): every suite owns the section between its
\`<!-- bench:<id>:begin -->\` / \`<!-- bench:<id>:end -->\` markers and
rewrites only that one, so a section keeps the date and machine it was
measured on. These are not assertions: CI runs \`npm run bench -- --smoke\`
(through bench/src/bench-smoke.int-spec.ts) only to prove the harness works.
`;

const begin = (id: string): string => `<!-- bench:${id}:begin -->`;
const end = (id: string): string => `<!-- bench:${id}:end -->`;

const ms = (v: number): string => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));
const int = (v: number): string => Math.round(v).toLocaleString('en-US');

export function loadLabel(r: LoadResult, plannedS: number): string {
  if (r.mode === 'max') return `max, ${r.connections} conns, ${plannedS} s`;
  const how = r.generator === 'paced' ? 'paced open loop' : `autocannon overallRate, ${r.connections} conns`;
  return `${int(r.offeredRate ?? 0)}/s ${how}, ${plannedS} s`;
}

const cores = (v: number | undefined): string => (v === undefined ? '–' : v.toFixed(2));

/** "target / broker / load generator / everything else on the machine" average cores. */
export const cpuCell = (row: RunRow): string => {
  if (!row.cpu) return '–';
  const { target, broker, loadGenerator, machine } = row.cpu;
  const other = machine === undefined ? undefined : Math.max(0, machine - (target ?? 0) - (broker ?? 0) - loadGenerator);
  return `${cores(target)} / ${cores(broker)} / ${cores(loadGenerator)} / ${cores(other)}${(other ?? 0) > DISTURBED_CORES ? ' ⚠' : ''}`;
};

/** More than this many cores used by unrelated processes during a run marks it as disturbed. */
export const DISTURBED_CORES = 0.3;

/** Records per produce request, and its mean latency when the target reports one. */
function perProduceCell(row: RunRow, none: string): string {
  if (row.recordsPerProduce === undefined) return none;
  const records = row.recordsPerProduce.toFixed(1);
  return row.produceMs === undefined ? records : `${records} (${row.produceMs.toFixed(2)})`;
}

function runsTable(runs: RunRow[]): string[] {
  const lines = [
    '| Target | Load | 2xx/s | p50 ms | p90 ms | p99 ms | max ms | 2xx | non-2xx | errors | records / produce (mean ms each) | CPU cores: target / broker / load gen / other |',
    '|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|',
  ];
  for (const row of runs) {
    const { target, load, result: r } = row;
    const l = r.latencyMs;
    lines.push(
      `| ${target} | ${load} | ${int(r.okPerSec)} | ${ms(l.p50)} | ${ms(l.p90)} | ${ms(l.p99)} | ${ms(l.max)} | ${int(r.ok)} | ${int(r.non2xx)} | ${int(r.errors)} | ${perProduceCell(row, '–')} | ${cpuCell(row)} |`,
    );
  }
  return lines;
}

export function renderSection(suite: Suite, report: SuiteReport, machine: MachineInfo, meta: RunMeta): string {
  const lines = [
    begin(suite.id),
    `## ${suite.title}`,
    '',
    `Measured ${meta.date.toISOString().replace(/\.\d+Z$/, 'Z')}${meta.smoke ? ' (**smoke run: 1-second runs at tiny rates; the figures mean nothing**)' : ''}. Reproduce with \`${meta.command}\`.`,
    '',
    ...(report.failures?.length ? ['**Failed runs** (the bench exited 1; their figures are missing below):', '', ...report.failures.map((f) => `- ${f}`), ''] : []),
    '| Figure | Target | Measured | Result |',
    '|---|---|---|---|',
    ...report.figures.map((f) => `| ${f.name} | ${f.target} | ${f.measured} | ${f.reference ? 'reference' : f.pass ? 'PASS' : '**MISS**'} |`),
    '',
    ...runsTable(report.runs),
    '',
    ...(report.runs.some((r) => cpuCell(r).endsWith('⚠'))
      ? [`⚠: more than ${DISTURBED_CORES} cores were busy with unrelated processes during that run; its numbers are pessimistic.`, '']
      : []),
    '**Machine.**',
    '',
    `- CPU: ${machine.cpu}, ${machine.cores} cores; memory ${machine.memoryGiB} GiB; ${machine.os}`,
    `- Node ${machine.node}; ${machine.tools}`,
    `- Kafka: ${machine.kafka}`,
    `- Postgres: ${machine.postgres}`,
    ...(machine.backgroundCores === undefined
      ? []
      : [`- Background load just before the run (other processes, bench idle): ${machine.backgroundCores.toFixed(2)} cores; the "other" CPU column shows it during each run`]),
    '',
    ...report.notes.flatMap((n) => [n, '']),
    end(suite.id),
  ];
  return lines.join('\n');
}

/** Replaces the suite's section in the document (appending it when new), keeping every other section. */
export function mergeSection(existing: string | undefined, id: string, section: string): string {
  const doc = existing?.trim() ? existing : HEADER;
  const from = doc.indexOf(begin(id));
  const to = doc.indexOf(end(id));
  if (from >= 0 && to > from) return `${doc.slice(0, from)}${section}${doc.slice(to + end(id).length)}`;
  return `${doc.trimEnd()}\n\n${section}\n`;
}

/** A plain-text table for the terminal. */
export function consoleTable(suite: Suite, report: SuiteReport): string {
  const head = ['target', 'load', '2xx/s', 'p50', 'p90', 'p99', 'max', 'non2xx', 'err', 'rec/produce (ms)', 'cpu tgt/brk/gen/other'];
  const rows = report.runs.map((row) => {
    const { target, load, result: r } = row;
    const l = r.latencyMs;
    const perProduce = perProduceCell(row, '-');
    return [target, load, int(r.okPerSec), ms(l.p50), ms(l.p90), ms(l.p99), ms(l.max), int(r.non2xx), int(r.errors), perProduce, cpuCell(row)];
  });
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const fmt = (cells: string[]): string => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [
    `== ${suite.title}`,
    fmt(head),
    ...rows.map(fmt),
    '',
    ...report.figures.map((f) => `${f.reference ? 'REF ' : f.pass ? 'PASS' : 'MISS'}  ${f.name}: ${f.measured} (${f.reference ? '' : 'target '}${f.target})`),
    ...(report.failures ?? []).map((f) => `FAILED  ${f}`),
  ].join('\n');
}
