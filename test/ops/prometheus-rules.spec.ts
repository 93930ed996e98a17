import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

import { parse } from 'yaml';

const ROOT = join(__dirname, '..', '..');
const RULES = join(ROOT, 'ops', 'prometheus', 'wahooks.rules.yml');

interface Rule {
  alert: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

const rules = (parse(readFileSync(RULES, 'utf8')) as { groups: Array<{ name: string; rules: Rule[] }> }).groups.flatMap((g) => g.rules);

/** Every metric name the code registers (first argument of counter/gauge/histogram, as a string literal). */
function registeredMetrics(): Set<string> {
  const names = new Set<string>();
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir)) {
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) walk(path);
      else if (path.endsWith('.ts') && !path.endsWith('.spec.ts')) {
        for (const m of readFileSync(path, 'utf8').matchAll(/(?:counter|gauge|histogram|fastCounter)\(\s*'(wahooks_[a-z_]+)'/g)) names.add(m[1]!);
        for (const m of readFileSync(path, 'utf8').matchAll(/^\s*'(wahooks_[a-z_]+)',\s*$/gm)) names.add(m[1]!);
      }
    }
  };
  walk(join(ROOT, 'libs'));
  walk(join(ROOT, 'apps'));
  return names;
}

describe('ops/prometheus/wahooks.rules.yml', () => {
  it('names only metrics the code registers', () => {
    const known = registeredMetrics();
    const used = rules.flatMap((r) => [...r.expr.matchAll(/wahooks_[a-z_]+/g)].map((m) => m[0]));
    expect(used.length).toBeGreaterThan(0);
    expect(used.filter((m) => !known.has(m))).toEqual([]);
  });

  it('gives every alert a unique name, a severity and a summary', () => {
    expect(new Set(rules.map((r) => r.alert)).size).toBe(rules.length);
    for (const r of rules) expect([r.alert, r.labels?.['severity'], typeof r.annotations?.['summary']]).toEqual([r.alert, expect.stringMatching(/^(page|warn)$/), 'string']);
  });

  it('alerts on bloat from the table metrics, aggregated over the consumers that report the same table', () => {
    const bloat = rules.find((r) => r.alert === 'WahooksTableBloating')!;
    expect(bloat.expr).toMatch(/max by \(table\) \(wahooks_table_dead_tuples\)/);
    expect(bloat.expr).toMatch(/wahooks_table_live_tuples/);
  });
});
