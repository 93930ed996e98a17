import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { BenchOutput } from './main';
import { repoRoot } from './paths';

/**
 * Proves the benchmark harness still works end to end (real baselines, the
 * real intake, real Kafka and Postgres) with 1-second runs. No timing
 * assertions: only that every row was measured.
 */
describe('npm run bench -- --smoke', () => {
  const root = repoRoot();
  const dir = mkdtempSync(join(tmpdir(), 'wahooks-bench-smoke-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** Runs the built bench with --smoke and the given arguments; its JSON results and markdown report. */
  const smoke = async (name: string, args: string[]): Promise<{ result: BenchOutput; markdown: string }> => {
    const main = join(root, 'dist', 'bench', 'src', 'main.js');
    expect(existsSync(main)).toBe(true); // built by scripts/test.sh
    const out = join(dir, `${name}.md`);
    const json = join(dir, `${name}.json`);
    const { code, stderr } = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [main, '--smoke', ...args, '--out', out, '--json', json], {
        cwd: root,
        env: { ...process.env },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let err = '';
      child.stderr.on('data', (chunk: Buffer) => (err = (err + chunk.toString()).slice(-8000)));
      child.on('exit', (c) => resolve({ code: c, stderr: err }));
    });
    if (code !== 0) throw new Error(`bench --smoke ${args.join(' ')} exited ${code}:\n${stderr}`);
    return { result: JSON.parse(readFileSync(json, 'utf8')) as BenchOutput, markdown: readFileSync(out, 'utf8') };
  };

  it('measures every target and writes a report', async () => {
    // Every suite but the pipeline, which has its own test below.
    const { result, markdown } = await smoke('suites', ['intake', 'status', 'inbound', 'fallback', 'template', 'growth'].flatMap((id) => ['--suite', id]));
    expect(result.smoke).toBe(true);
    expect(result.machine.cores).toBeGreaterThan(0);
    const intake = result.suites.find((s) => s.id === 'intake')!;
    expect(intake).toBeDefined();
    expect(intake.report.figures).toHaveLength(4);
    const targets = new Set(intake.report.runs.map((r) => r.target));
    expect([...targets].sort()).toEqual([
      'Nest on Fastify, verify + 200 (no Kafka; diagnostic)',
      'bare node:http (verify + 200)',
      'naive Nest (await send per request)',
      'naive Nest, same guarantees (idempotent, one send at a time)',
      'wahooks intake',
    ]);
    for (const { target, load, result: r } of intake.report.runs) {
      const label = `${target} / ${load}`;
      expect({ label, ok: r.ok > 0, okPerSec: r.okPerSec > 0, p50: r.latencyMs.p50 > 0, p99: r.latencyMs.p99 > 0, max: r.latencyMs.max > 0 }).toEqual({
        label,
        ok: true,
        okPerSec: true,
        p50: true,
        p99: true,
        max: true,
      });
    }

    expect(markdown).toContain('<!-- bench:intake:begin -->');
    expect(markdown).toContain('<!-- bench:intake:end -->');
    for (const f of intake.report.figures) expect(markdown).toContain(f.name);

    const status = result.suites.find((s) => s.id === 'status')!;
    expect(status.report.figures).toHaveLength(3);
    for (const f of status.report.figures) expect(f.measured).toMatch(/\d/);
    expect(status.report.runs[0]?.result.ok).toBeGreaterThan(0);
    expect(markdown).toContain('<!-- bench:status:begin -->');

    const inbound = result.suites.find((s) => s.id === 'inbound')!;
    expect(inbound.report.figures[0]?.measured).toMatch(/\d+ vs \d+ rows\/s/);
    expect(markdown).toContain('<!-- bench:inbound:begin -->');

    // Fallback trigger: the suite itself waits until every failure is decided and every SMS sent. Whether each SMS
    // reached the bench's own receiver is its figure, not asserted here: any other fallback-trigger on the same broker
    // and database (a concurrent test) consumes the same raw topic, and its dispatcher may send some of them.
    const fallback = result.suites.find((s) => s.id === 'fallback')!;
    expect(fallback.report.figures.map((f) => f.measured)).toEqual([
      expect.stringMatching(/^\d+ vs \d+ rows\/s/),
      expect.stringMatching(/^\d+ vs \d+ rows\/s/),
      expect.stringMatching(/^[1-9]\d* SMS, \d+ of their keys at the provider/),
      expect.stringMatching(/^[1-9]\d* of [1-9]\d* = \d\.\d\d$/),
    ]);
    expect(markdown).toContain('<!-- bench:fallback:begin -->');
    expect(fallback.report.notes[0]).toContain('| 12 tenants over the partitions |');

    // Template monitor: facts applied and every alert delivered once.
    const template = result.suites.find((s) => s.id === 'template')!;
    expect(template.report.figures[0]?.measured).toMatch(/^\d+ vs \d+ rows\/s/);
    expect(template.report.figures[1]).toMatchObject({ pass: true, measured: expect.stringMatching(/^[1-9]\d* alerts, [1-9]\d* delivered/) });
    expect(markdown).toContain('<!-- bench:template:begin -->');

    // Growth: every point of every curve measured.
    const growth = result.suites.find((s) => s.id === 'growth')!;
    expect(growth.report.figures).toHaveLength(4);
    for (const f of growth.report.figures) expect(f.measured).toMatch(/[\d,]+\/s → [\d,]+\/s/);
    expect(growth.report.runs).toHaveLength(10);
    for (const { target, load, result: r } of growth.report.runs) {
      const label = `${target} / ${load}`;
      expect({ label, ok: r.ok > 0, okPerSec: r.okPerSec > 0 }).toEqual({ label, ok: true, okPerSec: true });
    }
    const curves = growth.report.notes.join('\n');
    for (const point of ['1 per webhook', '100 per webhook', '1 partition', '6 partitions', '1 tenant', '1000 tenants']) expect(curves).toContain(`| ${point} |`);
    expect(markdown).toContain('<!-- bench:growth:begin -->');
  });

  // The whole pipeline, one rate of 50 webhooks/s for 3 s, no search: every section of the report is there and the
  // oracle found nothing (the suite itself throws on any difference). No timing is asserted.
  it('runs the pipeline suite: every service, simulator traffic, the oracle finds no difference', async () => {
    const { result, markdown } = await smoke('pipeline', ['--suite', 'pipeline']);
    const pipeline = result.suites.find((s) => s.id === 'pipeline')!;
    expect(result.suites.map((s) => s.id)).toEqual(['pipeline']);
    const { figures, runs, notes, failures } = pipeline.report;
    expect(failures).toEqual([]);
    expect(figures.map((f) => f.name)).toEqual([
      expect.stringMatching(/^Whole-suite CPU per Meta event .* at 50 webhooks\/s$/),
      expect.stringMatching(/^Intake ack p99 at 1,000 webhooks\/s/),
      expect.stringMatching(/^Every projection complete after the last ack at 1,000 webhooks\/s/),
      expect.stringMatching(/^Sustained Meta events\/s end to end/),
      expect.stringMatching(/^Highest sustainable rate/),
    ]);
    expect(figures[0]!.measured).toMatch(/^\d+\.\d{3} ms \(intake [\d.]+, status-projector [\d.]+, fallback-trigger [\d.]+, template-monitor [\d.]+, inbound-reply [\d.]+, Kafka [\d.–]+, Postgres [\d.–]+\)$/);
    // 1,000/s is not among the smoke run's rates: said so, not invented.
    expect(figures[1]!.measured).toMatch(/^not measured: 1,000\/s was not among --rates \(50\)$/);
    expect(figures[4]!.measured).toMatch(/^no search/);

    expect(runs).toHaveLength(1);
    const [run] = runs;
    expect(run!.load).toBe('50 webhooks/s simulator traffic, open loop, 3 s');
    const r = run!.result;
    expect({ sent: r.sent > 0, ok: r.ok, p50: r.latencyMs.p50 > 0, max: r.latencyMs.max >= r.latencyMs.p99 }).toEqual({ sent: true, ok: r.sent, p50: true, max: true });

    const text = notes.join('\n');
    const row = (heading: string): string[] => {
      const line = text.split('\n').find((l) => l.startsWith('| 50/s |') && text.indexOf(l) > text.indexOf(heading));
      expect(line).toBeDefined();
      return line!.split('|').slice(2, -1).map((c) => c.trim());
    };
    // Per rate: webhooks and Meta events, acked/refused/unanswered/retried, p50/p99/max, catch-up, events/s, CPU per event.
    const summary = row('| Rate (webhooks/s) |');
    expect(summary[0]).toMatch(/^[\d,]+ \([\d,]+\)$/);
    expect(summary[1]).toMatch(/^[\d,]+ \/ \d+ \/ \d+ \/ \d+$/);
    expect(summary[2]).toMatch(/^[\d.]+ \/ [\d.]+ \/ [\d.]+$/);
    expect(summary[5]).toMatch(/^\d+\.\d\d s$/);
    // CPU per Meta event of every service, the broker, Postgres and the whole suite; peak memory of every service.
    const cpu = row('**CPU per Meta event**');
    expect(cpu.slice(0, 5)).toEqual(Array(5).fill(expect.stringMatching(/^\d+\.\d{3}$/)));
    expect(cpu[8]).toMatch(/^\*\*\d+\.\d{3}\*\* \([\d.]+ cores\)$/);
    expect(row('**Peak memory per service:**')).toEqual(Array(5).fill(expect.stringMatching(/^\d+$/)));
    // The oracle's full comparison: nothing different, every kind of data checked.
    expect(row('**Traffic and verification:**')[7]).toMatch(/^0 differences \([1-9][\d,]* messages, [1-9][\d,]* inbound, [1-9][\d,]* media bytes, [1-9][\d,]* SMS, /);

    expect(markdown).toContain('<!-- bench:pipeline:begin -->');
    expect(markdown).toContain('<!-- bench:pipeline:end -->');
    for (const f of figures) expect(markdown).toContain(f.name);
  }, 300_000);
});
