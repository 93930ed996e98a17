/**
 * docs/configuration.md's table of variables is what the sections say: every
 * variable, its section, whether it is a secret, and which service requires
 * or reads it (apps/<app>/src/config.ts). Regenerate it from the failure's
 * "Expected" when a section or a composition changes.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { allSections, requiredOf } from '@wahooks/config';

import { APP_SECTIONS, readsOf, sectionsOf } from './app-sections';

const DOC = path.resolve(__dirname, '../../../docs/configuration.md');
const START = '<!-- variables: generated from the sections, checked by tools/kafka-admin/src/configuration-doc.spec.ts -->';
const END = '<!-- end of variables -->';

/** One row per variable, in the order of allSections and of each section's variables. */
export function variablesTable(): string {
  const apps = Object.keys(APP_SECTIONS);
  const rows = [`| variable | section | secret | ${apps.join(' | ')} |`, `|---|---|---|${apps.map(() => '---|').join('')}`];
  const seen = new Set<string>();
  for (const section of allSections) {
    for (const name of Object.keys(section.env)) {
      if (seen.has(name)) continue;
      seen.add(name);
      const cells = apps.map((app) => (!readsOf(app).has(name) ? '' : requiredOf(sectionsOf(app)).includes(name) ? '**required**' : 'read'));
      const secret = (section.secrets as readonly string[]).includes(name) ? 'secret' : '';
      rows.push(`| \`${name}\` | ${section.name} | ${secret} | ${cells.join(' | ')} |`);
    }
  }
  return rows.join('\n');
}

describe('docs/configuration.md', () => {
  it('lists every variable with its section and the services that read it, as the sections say', () => {
    const text = readFileSync(DOC, 'utf8');
    const start = text.indexOf(START);
    const end = text.indexOf(END);
    expect(start).toBeGreaterThanOrEqual(0);
    expect(end).toBeGreaterThan(start);
    expect(text.slice(start + START.length, end).trim()).toEqual(variablesTable());
  });
});
