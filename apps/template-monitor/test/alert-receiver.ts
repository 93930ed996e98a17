import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

import { verifyAlertSignature } from '@wahooks/template-domain';

/** How the receiver answers right now: the test switches modes to script an outage. */
export type ReceiverMode = 'ok' | 'fail' | 'reject' | 'hang' | 'down';

export interface ReceivedRequest {
  deliveryId: string;
  body: string;
  signatureValid: boolean;
  answered: number | 'none';
  at: number;
}

/**
 * A tenant's alert endpoint on node:http, independent of the code under
 * test: it checks the signature itself and records every request and what
 * it answered. `down` closes the listening socket (connection refused).
 */
export class AlertReceiver {
  readonly requests: ReceivedRequest[] = [];
  /** TCP connections accepted (a refused sender never opens one). */
  connections = 0;
  mode: ReceiverMode = 'ok';
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private port = 0;

  constructor(private readonly secret: string) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}/alerts`;
  }

  async start(port = 0): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.on('connection', (s) => {
      this.connections++;
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    await new Promise<void>((ok) => this.server!.listen(port, '127.0.0.1', () => ok()));
    this.port = (this.server.address() as AddressInfo).port;
  }

  async setMode(mode: ReceiverMode): Promise<void> {
    if (mode === 'down' && this.mode !== 'down') await this.close();
    if (mode !== 'down' && this.mode === 'down') await this.start(this.port);
    this.mode = mode;
  }

  /** Requests answered with a 2xx, per delivery id. */
  deliveredCounts(): Map<string, number> {
    const out = new Map<string, number>();
    for (const r of this.requests) if (r.answered === 200) out.set(r.deliveryId, (out.get(r.deliveryId) ?? 0) + 1);
    return out;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    for (const s of this.sockets) s.destroy();
    await new Promise((ok) => server.close(ok));
    this.server = undefined;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const record: ReceivedRequest = {
      deliveryId: String(req.headers['x-wahooks-delivery-id'] ?? ''),
      body,
      signatureValid: verifyAlertSignature(body, String(req.headers['x-wahooks-signature'] ?? ''), this.secret, Math.floor(Date.now() / 1000)),
      answered: 'none',
      at: Date.now(),
    };
    this.requests.push(record);
    switch (this.mode) {
      case 'hang':
        return; // never answers: the sender's timeout must fire
      case 'fail':
        record.answered = 503;
        res.writeHead(503).end('down for maintenance');
        return;
      case 'reject':
        record.answered = 400;
        res.writeHead(400).end('no');
        return;
      case 'ok':
      case 'down':
        record.answered = 200;
        res.writeHead(200).end('ok');
        return;
    }
  }
}
