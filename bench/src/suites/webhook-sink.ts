import { createServer, Server } from 'node:http';

/**
 * A local HTTP receiver standing in for the SMS vendor (fallback suite) or a
 * tenant's alert endpoint (template suite): answers every POST 200 with a
 * JSON id at once, and counts the calls per value of one header (the
 * idempotency key, the delivery id), so a suite can check that every side
 * effect arrived, once. It runs in the bench process; its CPU is
 * in the "bench" column.
 */
export class WebhookSink {
  requests = 0;
  /** Calls per key. */
  readonly calls = new Map<string, number>();
  url = '';
  private server: Server | undefined;

  constructor(private readonly keyHeader: string) {}

  async start(): Promise<void> {
    const server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        this.requests += 1;
        const key = String(req.headers[this.keyHeader] ?? '');
        this.calls.set(key, (this.calls.get(key) ?? 0) + 1);
        res.writeHead(200, { 'content-type': 'application/json' }).end(`{"id":"sink-${this.requests}"}`);
      });
    });
    this.server = server;
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    const address = server.address();
    this.url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/hook`;
  }

  /**
   * How many of `keys` arrived, in how many calls. Only the keys a run
   * expects count: a service's dispatcher serves every tenant, so rows left
   * pending by earlier runs or other tests can arrive here too.
   */
  received(keys: readonly string[]): { keys: number; calls: number } {
    let arrived = 0;
    let calls = 0;
    for (const k of keys) {
      const n = this.calls.get(k) ?? 0;
      if (n > 0) arrived += 1;
      calls += n;
    }
    return { keys: arrived, calls };
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise((ok) => server.close(ok));
  }
}
