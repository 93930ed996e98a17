import { mergeSection } from './report';

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
