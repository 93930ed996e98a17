/**
 * `npm run bench`: runs every suite, each figure against its baseline in the
 * same run, prints the tables and rewrites the suites' sections of
 * BENCHMARKS.md. `--smoke` (what CI runs) makes every run tiny and writes
 * the report to a temp file instead.
 */
import { readFileSync, writeFileSync } from 'node:fs';

import { allSections, loadConfig } from '@wahooks/config';

import { describeMachine } from './machine';
import { parseOptions, USAGE, UsageRequested } from './options';
import { stopAllTargets } from './processes';
import { consoleTable, mergeSection, renderSection } from './report';
import type { BenchContext, Suite, SuiteReport } from './suite';
import { fallbackSuite } from './suites/fallback.suite';
import { growthSuite } from './suites/growth.suite';
import { inboundSuite } from './suites/inbound.suite';
import { intakeSuite } from './suites/intake.suite';
import { pipelineSuite } from './suites/pipeline.suite';
import { statusSuite } from './suites/status.suite';
import { templateSuite } from './suites/template.suite';

/** Every suite, in run order. Add new services' suites here. */
export const SUITES: Suite[] = [intakeSuite, statusSuite, inboundSuite, fallbackSuite, templateSuite, growthSuite, pipelineSuite];

export interface BenchOutput {
  date: string;
  smoke: boolean;
  command: string;
  out: string;
  machine: Awaited<ReturnType<typeof describeMachine>>;
  suites: Array<{ id: string; title: string; report: SuiteReport }>;
}

const log = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

export async function main(argv: string[]): Promise<number> {
  const options = parseOptions(argv);
  // Fail fast, naming bad variables, before any process is started: it starts every app, so every section.
  loadConfig(allSections, process.env);
  const ctx: BenchContext = { options, env: { ...process.env }, log };
  const suites = options.suites.length ? SUITES.filter((s) => options.suites.includes(s.id)) : SUITES;
  if (suites.length !== (options.suites.length || SUITES.length)) {
    throw new Error(`unknown suite in ${options.suites.join(', ')}; known: ${SUITES.map((s) => s.id).join(', ')}`);
  }
  const date = new Date();
  const command = `npm run bench${argv.length ? ` -- ${argv.join(' ')}` : ''}`;
  const machine = await describeMachine(ctx.env, options.smoke ? 500 : 3000);
  log(`[bench] ${machine.cpu} x${machine.cores}, ${machine.memoryGiB} GiB, Node ${machine.node}; ${machine.kafka}`);
  if ((machine.backgroundCores ?? 0) > 0.25) {
    log(`[bench] warning: ${machine.backgroundCores!.toFixed(2)} cores already busy before the bench started; results will be low and noisy`);
  }

  const output: BenchOutput = { date: date.toISOString(), smoke: options.smoke, command, out: options.out, machine, suites: [] };
  for (const suite of suites) {
    log(`[bench] suite ${suite.id}`);
    const report = await suite.run(ctx);
    output.suites.push({ id: suite.id, title: suite.title, report });
    process.stdout.write(`\n${consoleTable(suite, report)}\n\n`);
    let existing: string | undefined;
    try {
      existing = readFileSync(options.out, 'utf8');
    } catch {
      existing = undefined;
    }
    writeFileSync(options.out, mergeSection(existing, suite.id, renderSection(suite, report, machine, { date, command, smoke: options.smoke })));
  }
  log(`[bench] report written to ${options.out}`);
  if (options.json) {
    writeFileSync(options.json, JSON.stringify(output, null, 2));
    log(`[bench] results written to ${options.json}`);
  }
  const failed = output.suites.flatMap((s) => (s.report.failures ?? []).map((f) => `${s.id}: ${f}`));
  for (const f of failed) log(`[bench] FAILED ${f}`);
  if (failed.length > 0) return 1;
  const missed = output.suites.flatMap((s) => s.report.figures.filter((f) => !f.pass && !f.reference));
  return options.strict && missed.length > 0 ? 1 : 0;
}

if (require.main === module) {
  const interrupt = (signal: NodeJS.Signals): void => {
    log(`[bench] ${signal}: stopping targets`);
    void stopAllTargets().finally(() => process.exit(130));
  };
  process.once('SIGINT', interrupt);
  process.once('SIGTERM', interrupt);
  main(process.argv.slice(2))
    .then((code) => stopAllTargets().then(() => process.exit(code)))
    .catch((error: unknown) => {
      if (error instanceof UsageRequested) {
        process.stdout.write(USAGE);
        process.exit(0);
      }
      log(`[bench] failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      void stopAllTargets().finally(() => process.exit(1));
    });
}
