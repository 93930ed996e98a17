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

  it('measures every target and writes a report', async () => {
    const main = join(root, 'dist', 'bench', 'src', 'main.js');
    expect(existsSync(main)).toBe(true); // built by scripts/test.sh
    const out = join(dir, 'BENCHMARKS.md');
    const json = join(dir, 'bench.json');

    const { code, stderr } = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [main, '--smoke', '--out', out, '--json', json], {
        cwd: root,
        env: { ...process.env },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let err = '';
      child.stderr.on('data', (chunk: Buffer) => (err = (err + chunk.toString()).slice(-8000)));
      child.on('exit', (c) => resolve({ code: c, stderr: err }));
    });
    if (code !== 0) throw new Error(`bench --smoke exited ${code}:\n${stderr}`);

    const result = JSON.parse(readFileSync(json, 'utf8')) as BenchOutput;
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

    const markdown = readFileSync(out, 'utf8');
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
});
