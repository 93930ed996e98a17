import { ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, existsSync, WriteStream } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';

import { databaseUrlFor, isDatabaseApp } from '@wahooks/config';

import { sleep } from './http';

/** The workspace root, from the built tool (dist/tools/simulator/src) or its sources (tests). */
export const ROOT = ((): string => {
  let dir = __dirname;
  while (!existsSync(join(dir, 'nx.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
})();

export function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => ok(port));
    });
  });
}

export interface Crash {
  app: string;
  pid: number | undefined;
  exit: string;
  at: string;
  /** The last lines it wrote (the error that took it down, usually). */
  lastLines: string[];
}

/**
 * Apps whose admin API, /metrics and health details are on a private port
 * of their own (ADMIN_HTTP_PORT); the others serve everything on HTTP_PORT.
 */
const PRIVATE_PORT_APPS = new Set(['intake']);

/**
 * One built app (dist/apps/<name>/src/main.js) as a child process on fixed
 * ports, so it can be SIGKILLed and started again at the same URLs. Its output
 * goes to <logDir>/<name>.log, one file across restarts.
 */
export class ManagedApp {
  private child: ChildProcess | undefined;
  private log: WriteStream | undefined;
  private port = 0;
  private adminPort = 0;
  private tail: string[] = [];
  private stopping = false;
  starts = 0;
  /** Exits nobody asked for (not our SIGKILL or SIGTERM). */
  readonly crashes: Crash[] = [];
  onCrash: (crash: Crash) => void = () => undefined;

  constructor(
    readonly name: string,
    /** Read at every start (a fake's URL is known only once it listens). */
    private readonly env: Record<string, string> | (() => Record<string, string>),
    private readonly logDir: string,
  ) {}

  /** The public port: Meta's webhooks for the intake, the read API for the others. */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The admin API, /metrics and health details: the intake's private port, `url` for the others. */
  get adminUrl(): string {
    return `http://127.0.0.1:${this.adminPort}`;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  async start(timeoutMs = 120_000): Promise<number> {
    if (this.port === 0) this.port = await freePort();
    while (this.adminPort === 0 || (PRIVATE_PORT_APPS.has(this.name) && this.adminPort === this.port)) {
      this.adminPort = PRIVATE_PORT_APPS.has(this.name) ? await freePort() : this.port;
    }
    const ports = { HTTP_PORT: String(this.port), HTTP_HOST: '127.0.0.1', ...(this.adminPort === this.port ? {} : { ADMIN_HTTP_PORT: String(this.adminPort), ADMIN_HTTP_HOST: '127.0.0.1' }) };
    this.log ??= createWriteStream(join(this.logDir, `${this.name}.log`), { flags: 'a' });
    this.starts++;
    const t0 = Date.now();
    this.log.write(`\n==== start #${this.starts} at ${new Date().toISOString()} ====\n`);
    const child = spawn(process.execPath, [resolve(ROOT, `dist/apps/${this.name}/src/main.js`)], {
      cwd: ROOT,
      env: {
        ...process.env,
        NODE_OPTIONS: '',
        LOG_LEVEL: 'warn',
        // As in production, each app connects as its own database role (DATABASE_URL here is the administrator's).
        ...(isDatabaseApp(this.name) ? { DATABASE_URL: databaseUrlFor(this.name, process.env) } : {}),
        ...(typeof this.env === 'function' ? this.env() : this.env),
        ...ports,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    this.stopping = false;
    this.tail = [];
    const keep = (b: Buffer) => {
      this.tail.push(...b.toString('utf8').split('\n').filter((l) => l.trim()));
      this.tail = this.tail.slice(-400);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    child.stdout?.pipe(this.log, { end: false });
    child.stderr?.pipe(this.log, { end: false });
    child.once('exit', (code, signal) => {
      if (this.stopping || this.child !== child) return;
      // Node prints the error, then a dump of its objects: keep the error's own lines.
      const lastIndex = (re: RegExp) => this.tail.reduce((at, l, i) => (re.test(l) ? i : at), -1);
      const thrown = lastIndex(/^node:|Unhandled|Uncaught/);
      const first = thrown >= 0 ? thrown : lastIndex(/^(\w*Error|error):|"level":60/);
      const lastLines = first >= 0 ? this.tail.slice(first, first + 8) : this.tail.slice(-12);
      const crash = { app: this.name, pid: child.pid, exit: signal ?? `code ${code}`, at: new Date().toISOString(), lastLines };
      this.crashes.push(crash);
      this.onCrash(crash);
    });
    while (Date.now() - t0 < timeoutMs) {
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${this.name} exited (${child.exitCode ?? child.signalCode}) while starting; see ${join(this.logDir, `${this.name}.log`)}`);
      const ready = await fetch(`${this.url}/health/ready`, { signal: AbortSignal.timeout(2000) }).then((r) => r.ok, () => false);
      if (ready) return Date.now() - t0;
      await sleep(250);
    }
    throw new Error(`${this.name} not ready within ${timeoutMs} ms; see ${join(this.logDir, `${this.name}.log`)}`);
  }

  /** SIGKILL: no shutdown hooks, no offset commit, in-flight work lost. */
  kill(): Promise<void> {
    return this.signal('SIGKILL');
  }

  /** SIGTERM, then SIGKILL if it has not exited within `graceMs`. */
  async stop(graceMs = 15_000): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    this.stopping = true;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    if ((await Promise.race([exited.then(() => true), sleep(graceMs).then(() => false)])) === false) await this.signal('SIGKILL');
  }

  async close(): Promise<void> {
    await this.stop();
    await new Promise((r) => (this.log ? this.log.end(r) : r(undefined)));
  }

  private async signal(sig: NodeJS.Signals): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    this.stopping = true;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill(sig);
    await exited;
  }
}

/** Runs a shell command (the broker and database restarts), its output prefixed into `log`. */
export function runCommand(command: string, log: (line: string) => void, timeoutMs = 240_000): Promise<void> {
  return new Promise((ok, fail) => {
    const child = spawn('bash', ['-c', command], { cwd: ROOT, env: process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    const forward = (b: Buffer) => {
      for (const line of b.toString('utf8').split('\n')) if (line.trim()) log(`  ${line}`);
    };
    child.stdout?.on('data', forward);
    child.stderr?.on('data', forward);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) ok();
      else fail(new Error(`\`${command}\` exited with ${code ?? signal}`));
    });
  });
}
