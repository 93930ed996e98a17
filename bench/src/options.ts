import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { repoRoot } from './paths';

export interface BenchOptions {
  smoke: boolean;
  /** Seconds of each measured run. */
  durationS: number;
  /** Seconds of unmeasured load before each target's first measured run. */
  warmupS: number;
  /** Max-throughput rounds; targets take turns each round and each one's best round counts. */
  rounds: number;
  /** Connections of the max-throughput runs. */
  connections: number;
  /** Fixed arrival rates (requests/s) for the latency runs. */
  rates: number[];
  /** The arrival rate the latency figure is judged at. */
  figureRate: number;
  /** Markdown report (BENCHMARKS.md unless --smoke). */
  out: string;
  /** Machine-readable results, when set. */
  json: string | undefined;
  /** Suite ids to run (all when empty). */
  suites: string[];
  /** CPU-profile the intake during its max-throughput run into this directory. */
  profileDir: string | undefined;
  /** Exit 1 when a figure misses its target. */
  strict: boolean;
  /** Pipeline suite: its fixed webhook rates (--rates as given, without the intake's figure rate). */
  pipelineRates: number[];
  /** Pipeline suite: measured seconds per rate (--duration as given, else 20). */
  pipelineDurationS: number;
  /** Pipeline suite: unmeasured seconds of traffic before each rate's window (--warmup as given, else 10: five cold processes). */
  pipelineWarmupS: number;
  /** Pipeline suite: search for the highest sustainable rate after the fixed ones. */
  search: boolean;
  /** Pipeline suite: NODE_OPTIONS of every service (e.g. the manifests' --max-old-space-size=384). */
  serviceNodeOptions: string | undefined;
}

export const USAGE = `usage: node dist/bench/src/main.js [options]   (npm run bench -- [options])

  --smoke               1-second runs at tiny rates; writes the report to a temp file, not BENCHMARKS.md
  --duration <s>        seconds per measured run (default 10; env BENCH_DURATION_S)
  --warmup <s>          seconds of warm-up per target (default 3; env BENCH_WARMUP_S)
  --rounds <n>          max-throughput rounds, targets taking turns; each one's best counts (default 3; env BENCH_ROUNDS)
  --connections <n>     connections for max-throughput runs (default 64; env BENCH_CONNECTIONS)
  --rates <r,r>         fixed arrival rates for latency runs (default 1000,2000; env BENCH_RATES)
  --out <file>          markdown report to update (default BENCHMARKS.md)
  --json <file>         also write the raw results as JSON
  --suite <id>          run only this suite (repeatable; default all)
  --profile [dir]       CPU-profile the intake's max-throughput run (default dir bench/.profiles)
  --strict              exit 1 when a figure misses its target (reference comparisons are not judged)

  pipeline suite (--suite pipeline): every service in its own process, the simulator's traffic open loop
  --rates <r,r>         its fixed rates in webhooks/s (default 500,1000,2000)
  --duration <s>        its measured seconds per rate (default 20)
  --warmup <s>          its unmeasured seconds of the same traffic first (default 10)
  --no-search           skip the search for the highest sustainable rate
  --node-options <opts> NODE_OPTIONS of its services, e.g. "--max-old-space-size=384" (env BENCH_NODE_OPTIONS)
`;

const number = (flag: string, value: string | undefined): number => {
  const n = Number(value);
  if (value === undefined || !Number.isFinite(n) || n <= 0) throw new Error(`${flag} needs a positive number, got ${value ?? 'nothing'}`);
  return n;
};

const rateList = (flag: string, value: string | undefined): number[] =>
  (value ?? '').split(',').filter((s) => s.trim()).map((s) => number(flag, s.trim()));

export function parseOptions(argv: string[], env: NodeJS.ProcessEnv = process.env): BenchOptions {
  const smoke = argv.includes('--smoke');
  const root = repoRoot();
  const options: BenchOptions = {
    smoke,
    durationS: smoke ? 1 : number('BENCH_DURATION_S', env['BENCH_DURATION_S'] ?? '10'),
    warmupS: smoke ? 0.5 : number('BENCH_WARMUP_S', env['BENCH_WARMUP_S'] ?? '3'),
    rounds: smoke ? 1 : Math.round(number('BENCH_ROUNDS', env['BENCH_ROUNDS'] ?? '3')),
    connections: smoke ? 8 : number('BENCH_CONNECTIONS', env['BENCH_CONNECTIONS'] ?? '64'),
    rates: smoke ? [50] : rateList('BENCH_RATES', env['BENCH_RATES'] ?? '1000,2000'),
    figureRate: 2000,
    out: smoke ? join(tmpdir(), `wahooks-bench-smoke-${process.pid}.md`) : join(root, 'BENCHMARKS.md'),
    json: undefined,
    suites: [],
    profileDir: undefined,
    strict: false,
    pipelineRates: smoke ? [50] : [500, 1000, 2000],
    pipelineDurationS: smoke ? 3 : env['BENCH_DURATION_S'] ? number('BENCH_DURATION_S', env['BENCH_DURATION_S']) : 20,
    pipelineWarmupS: smoke ? 0.5 : env['BENCH_WARMUP_S'] ? number('BENCH_WARMUP_S', env['BENCH_WARMUP_S']) : 10,
    search: !smoke,
    serviceNodeOptions: env['BENCH_NODE_OPTIONS'] || undefined,
  };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i]!;
    const next = (): string | undefined => argv[++i];
    switch (arg) {
      case '--smoke':
        break;
      case '--duration':
        options.durationS = number(arg, next());
        options.pipelineDurationS = options.durationS;
        break;
      case '--warmup': {
        const v = next();
        options.warmupS = v === '0' ? 0 : number(arg, v);
        options.pipelineWarmupS = options.warmupS;
        break;
      }
      case '--rounds':
        options.rounds = Math.round(number(arg, next()));
        break;
      case '--connections':
        options.connections = Math.round(number(arg, next()));
        break;
      case '--rates':
        options.rates = rateList(arg, next());
        options.pipelineRates = [...options.rates];
        break;
      case '--no-search':
        options.search = false;
        break;
      case '--node-options':
        options.serviceNodeOptions = next();
        if (!options.serviceNodeOptions) throw new Error('--node-options needs a value, e.g. "--max-old-space-size=384"');
        break;
      case '--out':
        options.out = next() ?? '';
        break;
      case '--json':
        options.json = next();
        break;
      case '--suite':
        options.suites.push(next() ?? '');
        break;
      case '--profile':
        options.profileDir = argv[i + 1] && !argv[i + 1]!.startsWith('--') ? next() : join(root, 'bench', '.profiles');
        break;
      case '--strict':
        options.strict = true;
        break;
      case '--help':
      case '-h':
        throw new UsageRequested();
      default:
        throw new Error(`unknown option ${arg}\n${USAGE}`);
    }
  }
  if (options.rates.length === 0) throw new Error('--rates needs at least one rate');
  if (smoke) options.figureRate = options.rates[options.rates.length - 1]!;
  else if (!options.rates.includes(options.figureRate)) options.rates.push(options.figureRate);
  return options;
}

export class UsageRequested extends Error {}
