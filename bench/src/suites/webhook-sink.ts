import { createServer, Server } from 'node:http';

/**
 * A local HTTP receiver standing in for the SMS vendor (fallback suite) or a
 * tenant's alert endpoint (template suite): answers every POST 200 with a
 * JSON id at once, and counts requests and the distinct values of one header
 * (the idempotency key, the delivery id), so a suite can check that every
 * side effect arrived exactly once. It runs in the bench process; its CPU is
 * in the "bench" column.
 */
export class WebhookSink {
  requests = 0;
  readonly keys = new Set<string>();
  url = '';
  private server: Server | undefined;

  constructor(private readonly keyHeader: string) {}

  async start(): Promise<void> {
    const server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        this.requests += 1;
        this.keys.add(String(req.headers[this.keyHeader] ?? ''));
        res.writeHead(200, { 'content-type': 'application/json' }).end(`{"id":"sink-${this.requests}"}`);
      });
    });
    this.server = server;
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    const address = server.address();
    this.url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/hook`;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise((ok) => server.close(ok));
  }
}
