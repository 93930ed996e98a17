import { ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { resolve } from 'node:path';

import { isDatabaseApp } from '@wahooks/config';

import { testDatabaseUrl } from './test-env';

const ROOT = resolve(__dirname, '../../../..');

/**
 * Variables a SpawnedApp starts without, although the test's environment has
 * them: `new SpawnedApp('status-projector', { ...unset('ADMIN_API_TOKEN') })`
 * shows the app needs none of them (docs/configuration.md).
 */
export function unset(...names: string[]): Record<string, undefined> {
  return Object.fromEntries(names.map((name) => [name, undefined]));
}

export async function freePort(): Promise<number> {
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

/**
 * Apps whose admin API, /metrics and health details are on a private port
 * of their own (ADMIN_HTTP_PORT); the others serve everything on HTTP_PORT.
 */
const PRIVATE_PORT_APPS = new Set(['intake']);

/**
 * A built app (dist/apps/<name>) as a real child process, as it runs in
 * production (connected to Postgres as its own role): tests can SIGKILL it
 * mid-batch and start it again.
 */
export class SpawnedApp {
  private child: ChildProcess | undefined;
  readonly output: string[] = [];
  /** The public port: Meta's webhooks for the intake, the read API for the others. */
  url = '';
  /** The admin API, /metrics and health details: the intake's private port, `url` for the others. */
  adminUrl = '';

  /** `env` goes over the test's environment; a variable given as undefined is unset in the child (see `unset`). */
  constructor(
    readonly name: string,
    private readonly env: Record<string, string | undefined>,
  ) {}

  /** The process id while it runs (e.g. to read its memory from /proc). */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Ready once `readyPath` answers 200 on the public port (the intake's status-only probe). */
  async start(readyPath = '/health/ready', timeoutMs = 60_000): Promise<void> {
    const port = await freePort();
    let adminPort = port;
    while (PRIVATE_PORT_APPS.has(this.name) && adminPort === port) adminPort = await freePort();
    this.url = `http://127.0.0.1:${port}`;
    this.adminUrl = `http://127.0.0.1:${adminPort}`;
    const ports = { HTTP_PORT: String(port), HTTP_HOST: '127.0.0.1', ...(adminPort === port ? {} : { ADMIN_HTTP_PORT: String(adminPort), ADMIN_HTTP_HOST: '127.0.0.1' }) };
    const env: Record<string, string | undefined> = {
      ...process.env,
      NODE_OPTIONS: '',
      LOG_LEVEL: 'warn',
      ...(isDatabaseApp(this.name) ? { DATABASE_URL: testDatabaseUrl(this.name) } : {}),
      ...this.env,
      ...ports,
    };
    this.child = spawn(process.execPath, [resolve(ROOT, `dist/apps/${this.name}/src/main.js`)], {
      cwd: ROOT,
      env: Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined)),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const keep = (b: Buffer) => {
      this.output.push(b.toString());
      if (this.output.length > 200) this.output.shift();
    };
    this.child.stdout?.on('data', keep);
    this.child.stderr?.on('data', keep);
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.child.exitCode !== null) throw new Error(`${this.name} exited with ${this.child.exitCode}:\n${this.output.join('')}`);
      const ok = await fetch(`${this.url}${readyPath}`).then((r) => r.ok, () => false);
      if (ok) return;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`${this.name} not ready within ${timeoutMs} ms:\n${this.output.join('')}`);
  }

  /** SIGKILL: no shutdown hooks, no offset commits, in-flight work lost. */
  async kill(): Promise<void> {
    await this.signal('SIGKILL');
  }

  /** SIGTERM: the graceful path. */
  async stop(): Promise<void> {
    await this.signal('SIGTERM');
  }

  private async signal(sig: NodeJS.Signals): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill(sig);
    await exited;
  }
}
