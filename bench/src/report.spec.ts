import { consoleTable, mergeSection } from './report';
import type { Figure, Suite } from './suite';

const section = (id: string, body: string): string => `<!-- bench:${id}:begin -->\n## ${id}\n${body}\n<!-- bench:${id}:end -->`;

describe('mergeSection', () => {
  it('starts a new document with the header and the section', () => {
    const doc = mergeSection(undefined, 'intake', section('intake', 'first'));
    expect(doc).toMatch(/^# Benchmarks/);
    expect(doc).toContain(section('intake', 'first'));
  });

  it("rewrites only its own section and keeps other suites' sections and text", () => {
    let doc = mergeSection(undefined, 'intake', section('intake', 'first'));
    doc = mergeSection(doc, 'projector', section('projector', 'kept'));
    doc = `${doc}\nHand-written note.\n`;
    const next = mergeSection(doc, 'intake', section('intake', 'second'));
    expect(next).toContain(section('intake', 'second'));
    expect(next).not.toContain('first');
    expect(next).toContain(section('projector', 'kept'));
    expect(next).toContain('Hand-written note.');
    expect(next.indexOf('## intake')).toBeLessThan(next.indexOf('## projector'));
  });
});

describe('consoleTable', () => {
  const suite = { id: 'x', title: 'X', run: () => Promise.reject(new Error('not run')) } as Suite;
  const figures: Figure[] = [
    { name: 'judged', target: '≥ 5×', measured: '6×', pass: true },
    { name: 'missed', target: '≥ 5×', measured: '4×', pass: false },
    { name: 'context', target: 'weaker guarantees', measured: '3×', pass: false, reference: true },
  ];

  it('shows a reference comparison as such, never as a pass or a miss', () => {
    const lines = consoleTable(suite, { figures, runs: [], notes: [], artifacts: [] }).split('\n');
    expect(lines.find((l) => l.includes('judged'))).toMatch(/^PASS/);
    expect(lines.find((l) => l.includes('missed'))).toMatch(/^MISS/);
    expect(lines.find((l) => l.includes('context'))).toMatch(/^REF .*3× \(weaker guarantees\)$/);
  });

  it('lists the failed runs after the figures', () => {
    const lines = consoleTable(suite, { figures, runs: [], notes: [], artifacts: [], failures: ['2,000 webhooks/s: 3 differences'] }).split('\n');
    expect(lines[lines.length - 1]).toBe('FAILED  2,000 webhooks/s: 3 differences');
  });
});
