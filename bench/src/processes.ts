import { ChildProcess, fork } from 'node:child_process';
import { createServer } from 'node:net';

export interface TargetProcess {
  name: string;
  url: string;
  child: ChildProcess;
  /** Sends an IPC message (used by the CPU profile agent). */
  request<T>(message: object, replyType: string, timeoutMs?: number): Promise<T>;
  stop(): Promise<void>;
}

export interface ForkOptions {
  env: NodeJS.ProcessEnv;
  execArgv?: string[];
  /** How the parent learns the port: an IPC "listening" message, or a port chosen beforehand plus an HTTP readiness probe. */
  ready: { kind: 'ipc' } | { kind: 'http'; port: number; path: string };
  timeoutMs?: number;
  log: (line: string) => void;
}

/** Targets still running, so an interrupted bench can stop what it started. */
const live = new Set<TargetProcess>();

export async function stopAllTargets(): Promise<void> {
  await Promise.all([...live].map((t) => t.stop()));
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A TCP port free right now on 127.0.0.1 (for targets that cannot report theirs). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Forks one target (a server under load) and resolves once it accepts requests. */
export async function forkTarget(name: string, modulePath: string, options: ForkOptions): Promise<TargetProcess> {
  const tail: string[] = [];
  const child = fork(modulePath, [], {
    env: options.env,
    execArgv: options.execArgv ?? [],
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  let exited: string | undefined;
  const exit = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      exited = signal ?? String(code);
      resolve();
    }),
  );
  const forward = (chunk: Buffer): void => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (!line.trim()) continue;
      tail.push(line);
      if (tail.length > 40) tail.shift();
      options.log(`[${name}] ${line.length > 400 ? `${line.slice(0, 400)}…` : line}`);
    }
  };
  child.stdout?.on('data', forward);
  child.stderr?.on('data', forward);

  const stop = async (): Promise<void> => {
    live.delete(target);
    if (exited !== undefined) return;
    child.kill('SIGTERM');
    const killed = await Promise.race([exit.then(() => true), sleep(15_000).then(() => false)]);
    if (!killed) {
      child.kill('SIGKILL');
      await exit;
    }
  };

  const request = <T>(message: object, replyType: string, timeoutMs = 30_000): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${name}: no ${replyType} within ${timeoutMs} ms`)), timeoutMs);
      const onMessage = (reply: { type?: string }): void => {
        if (reply?.type !== replyType) return;
        clearTimeout(timer);
        child.off('message', onMessage);
        resolve(reply as T);
      };
      child.on('message', onMessage);
      child.send(message);
    });

  const target: TargetProcess = { name, url: '', child, request, stop };
  live.add(target);
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  let port: number;
  try {
    port = await waitReady(name, child, options.ready, deadline, () => exited);
  } catch (error) {
    await stop();
    const lastLines = tail.slice(-15).join('\n  ');
    throw new Error(`${error instanceof Error ? error.message : String(error)}${lastLines ? `\n  ${lastLines}` : ''}`);
  }
  target.url = `http://127.0.0.1:${port}`;
  return target;
}

async function waitReady(
  name: string,
  child: ChildProcess,
  ready: ForkOptions['ready'],
  deadline: number,
  exited: () => string | undefined,
): Promise<number> {
  if (ready.kind === 'ipc') {
    return new Promise<number>((resolve, reject) => {
      const timer = setInterval(() => {
        const status = exited();
        if (status !== undefined) fail(`${name} exited (${status}) before listening`);
        else if (Date.now() > deadline) fail(`${name} did not listen in time`);
      }, 100);
      const fail = (message: string): void => {
        clearInterval(timer);
        reject(new Error(message));
      };
      child.on('message', (message: { type?: string; port?: number }) => {
        if (message?.type !== 'listening' || !message.port) return;
        clearInterval(timer);
        resolve(message.port);
      });
    });
  }
  const url = `http://127.0.0.1:${ready.port}${ready.path}`;
  for (;;) {
    const status = exited();
    if (status !== undefined) throw new Error(`${name} exited (${status}) before it was ready`);
    if (Date.now() > deadline) throw new Error(`${name} not ready at ${url} in time`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (res.ok) return ready.port;
    } catch {
      // not listening yet
    }
    await sleep(200);
  }
}
