import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** The guard every test file runs under (jest.config.js setupFiles) bites, and only outside the repository. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { BESIDE_REFUSED } = require('./confine-to-repository') as { BESIDE_REFUSED: boolean };

describe('tests are confined to the repository', () => {
  const root = resolve(__dirname, '..', '..');
  // A folder beside the repository (what the corpus once was); when the clone sits directly in the
  // temporary directory its siblings are temporary files, and an unlisted system folder stands in.
  const beside = BESIDE_REFUSED ? resolve(root, '..', 'shared', 'fixtures', 'meta-webhooks') : `/nonexistent-wahooks-${process.pid}/shared`;

  it.each([
    ['readdirSync', () => fs.readdirSync(beside)],
    ['readFileSync', () => fs.readFileSync(join(beside, 'MANIFEST.json'))],
    ['existsSync', () => fs.existsSync(beside)],
    ['statSync', () => fs.statSync(resolve(beside, '..'))],
    ['createReadStream', () => fs.createReadStream(`/nonexistent-wahooks-${process.pid}/x`)],
  ])('refuses %s of a path beside the repository', (_name, touch) => {
    expect(touch).toThrow(/outside the repository/);
  });

  it('refuses the promise API too', async () => {
    await expect(fs.promises.readdir(beside)).rejects.toThrow(/outside the repository/);
  });

  it('allows the repository, the temporary directory and system files', () => {
    expect(fs.existsSync(join(root, 'package.json'))).toBe(true);
    expect(fs.readdirSync(join(root, 'test', 'fixtures', 'meta-webhooks'))).toContain('MANIFEST.json');
    const dir = fs.mkdtempSync(join(tmpdir(), 'confined-'));
    fs.writeFileSync(join(dir, 'x'), 'y');
    fs.rmSync(dir, { recursive: true });
    expect(fs.existsSync('/etc/hostname') || fs.existsSync('/etc/hosts')).toBe(true);
  });
});
