import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';

export type Behaviour = 'ok' | 'fail' | 'hang-after-sending';

/**
 * A local SMS vendor with an idempotency contract: a key it has sent is
 * never sent again (a repeat answers 200 with the same id). `behave` decides
 * each call: fail with 500, or send and then never answer (the caller times
 * out although the SMS went out: the worst case for exactly-once).
 * Independent of the code under test, including the signature check.
 */
export class FakeSmsProvider {
  requests = 0;
  badSignatures = 0;
  readonly keys = new Set<string>();
  /** idempotency key → the one SMS sent for it. */
  readonly sent = new Map<string, { to: string; wamid: string; tenantId: string }>();
  url = '';
  private server: Server | undefined;
  private readonly hanging = new Set<ServerResponse>();

  constructor(
    private readonly secret: string,
    private readonly behave: (callNumber: number, body: { to: string; wamid: string }) => Behaviour,
  ) {}

  async start(): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((ok) => this.server!.listen(0, '127.0.0.1', ok));
    const address = this.server.address();
    this.url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/sms`;
  }

  async stop(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    await new Promise((ok) => this.server?.close(ok));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const call = ++this.requests;
    const key = String(req.headers['idempotency-key'] ?? '');
    const ts = String(req.headers['x-wahooks-timestamp'] ?? '');
    const expected = Buffer.from(`v1=${createHmac('sha256', this.secret).update(`${ts}.${raw}`).digest('hex')}`);
    const given = Buffer.from(String(req.headers['x-wahooks-signature'] ?? ''));
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      this.badSignatures++;
      res.writeHead(401).end();
      return;
    }
    const body = JSON.parse(raw) as { to: string; wamid: string; tenantId: string };
    this.keys.add(key);
    if (this.sent.has(key)) {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: `sms-${key}`, replayed: true }));
      return;
    }
    const behaviour = this.behave(call, body);
    if (behaviour === 'fail') {
      res.writeHead(500).end('provider down');
      return;
    }
    this.sent.set(key, { to: body.to, wamid: body.wamid, tenantId: body.tenantId });
    if (behaviour === 'hang-after-sending') {
      this.hanging.add(res);
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: `sms-${key}` }));
  }
}
