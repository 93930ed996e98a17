// Jest setup file (see jest.config.js): a test may read and write inside the
// repository, the temporary directory and the system's own directories, and
// nowhere else. A plain `git clone` into an empty folder must pass `npm test`,
// so a test that reads a folder beside the repository (as the fixture corpus
// once was, at ../shared) fails here, loudly, on the developer's machine too,
// instead of only on a new user's.
'use strict';

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..');
const PARENT = path.dirname(ROOT);
const TMP = [fs.realpathSync(os.tmpdir()), os.tmpdir()];
/** Where the repository's dependencies and tools really are, when they are symlinks (a git worktree sharing them). */
const DEPENDENCIES = ['node_modules', '.tools'].flatMap((dir) => {
  try {
    return [fs.realpathSync(path.join(ROOT, dir))];
  } catch {
    return [];
  }
});
/**
 * Folders beside the repository are exactly what a plain clone lacks, so they
 * are refused even when the clone sits in a temporary or system directory
 * (CI's clone may be under /tmp); only a clone placed directly in the
 * temporary directory leaves them to the allowed list (they are the other
 * tests' temporary files then).
 */
const BESIDE_REFUSED = !TMP.includes(PARENT);
const ALLOWED = [
  ROOT,
  fs.realpathSync(os.tmpdir()),
  os.tmpdir(),
  // The system's own: devices, process info, certificates and timezone data, shared libraries.
  '/dev',
  '/proc',
  '/sys',
  '/etc',
  '/usr',
  '/lib',
  '/lib64',
  '/bin',
  '/sbin',
  '/run',
  '/var/run',
  '/var/lib/postgresql',
  path.dirname(process.execPath),
  ...DEPENDENCIES,
];

class OutsideRepositoryError extends Error {
  constructor(target) {
    super(`a test touched ${target}, outside the repository (${ROOT}): a plain clone does not have it; keep test data in the repository (see test/jest/confine-to-repository.js)`);
    this.name = 'OutsideRepositoryError';
    this.code = 'EOUTSIDEREPO';
  }
}

function inside(target, root) {
  return target === root || target.startsWith(root.endsWith(path.sep) ? root : root + path.sep);
}

/** Throws for a path argument outside every allowed root; file descriptors and URLs of other schemes pass. */
function check(target) {
  let p = target;
  if (p instanceof URL) {
    if (p.protocol !== 'file:') return;
    p = p.pathname;
  }
  if (Buffer.isBuffer(p)) p = p.toString();
  if (typeof p !== 'string') return;
  const resolved = path.resolve(p);
  if (inside(resolved, ROOT) || DEPENDENCIES.some((root) => inside(resolved, root))) return;
  if (BESIDE_REFUSED && inside(resolved, PARENT)) throw new OutsideRepositoryError(resolved);
  if (!ALLOWED.some((root) => inside(resolved, root))) throw new OutsideRepositoryError(resolved);
}

// Every fs entry point that takes a path as its first argument (and, for
// copy/rename/link, a second one), in the sync, callback and promise APIs.
const ONE_PATH = [
  'access', 'appendFile', 'chmod', 'chown', 'createReadStream', 'createWriteStream', 'exists', 'lstat', 'mkdir', 'mkdtemp',
  'open', 'opendir', 'readdir', 'readFile', 'readlink', 'realpath', 'rm', 'rmdir', 'stat', 'statfs', 'truncate', 'unlink',
  'utimes', 'watch', 'watchFile', 'writeFile',
];
const TWO_PATHS = ['copyFile', 'cp', 'link', 'rename', 'symlink'];

function wrap(target, name, paths, promised = false) {
  const original = target[name];
  if (typeof original !== 'function' || original.__confined) return;
  const wrapped = function (...args) {
    try {
      check(args[0]);
      if (paths === 2) check(args[1]);
    } catch (error) {
      if (promised) return Promise.reject(error);
      throw error;
    }
    return original.apply(this, args);
  };
  Object.defineProperties(wrapped, Object.getOwnPropertyDescriptors(original));
  wrapped.__confined = true;
  target[name] = wrapped;
}

if (!fs.__confinedToRepository) {
  for (const name of ONE_PATH) {
    wrap(fs, name, 1);
    wrap(fs, `${name}Sync`, 1);
    wrap(fs.promises, name, 1, true);
  }
  for (const name of TWO_PATHS) {
    wrap(fs, name, 2);
    wrap(fs, `${name}Sync`, 2);
    wrap(fs.promises, name, 2, true);
  }
  fs.__confinedToRepository = true;
}

module.exports = { OutsideRepositoryError, ROOT, BESIDE_REFUSED };
