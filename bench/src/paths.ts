import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** The repository root, found from this file whether it runs as bench/src/*.ts or dist/bench/src/*.js. */
export function repoRoot(from = __dirname): string {
  let dir = from;
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'wahooks') return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no wahooks package.json above ${from}`);
    dir = parent;
  }
}

/** Compiled entry points live under dist/ with the same layout as the sources. */
export const distPath = (...segments: string[]): string => join(repoRoot(), 'dist', ...segments);

/** The repository's real-payload corpus (or WAHOOKS_FIXTURES_DIR), as libs/shared/testing resolves it. */
export const fixturesDir = (): string => process.env['WAHOOKS_FIXTURES_DIR'] ?? resolve(repoRoot(), 'test', 'fixtures', 'meta-webhooks');
