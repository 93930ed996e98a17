import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

/**
 * The real-payload corpus, kept in the repository (test/fixtures/meta-webhooks,
 * see its SOURCES.md and MANIFEST.json). Tests, the fuzz test and the bench
 * all read it from there; WAHOOKS_FIXTURES_DIR points them at another copy.
 */
export const FIXTURES_DIR = process.env['WAHOOKS_FIXTURES_DIR'] ?? resolve(__dirname, '../../../../test/fixtures/meta-webhooks');

export interface Fixture {
  name: string;
  body: Buffer;
}

/** Every webhook payload file, as the bytes on disk. */
export function loadFixtures(dir = FIXTURES_DIR): Fixture[] {
  const out: Fixture[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith('.json') && name !== 'MANIFEST.json') out.push({ name: relative(dir, path), body: readFileSync(path) });
    }
  };
  walk(dir);
  return out;
}
