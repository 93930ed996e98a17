import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';

export type SmsBehaviour = 'ok' | 'fail' | 'hang-after-sending';

export interface SentSms {
  idempotencyKey: string;
  tenantId: string;
  wamid: string;
  to: string;
}

/**
 * A local SMS vendor shaped like the generic HTTP provider's counterpart
 * (docs/fallback-trigger.md): it checks `X-Wahooks-Signature`, sends at most
 * one SMS per `Idempotency-Key` (a repeat answers 200 with the same id), and
 * can fail (500) or send and never answer (the caller times out although the
 * SMS went out), decided per call by `behave`.
 */
export class FakeSmsProvider {
  requests = 0;
  badSignatures = 0;
  /** Every key seen, per tenant. */
  readonly keys = new Map<string, Set<string>>();
  /** Key → the one SMS sent for it. */
  readonly sent = new Map<string, SentSms>();
  /** Keys whose repeat carried another wamid or number than the first: must stay empty. */
  readonly conflicts: string[] = [];
  url = '';
  private server: Server | undefined;
  private readonly hanging = new Set<ServerResponse>();

  constructor(
    private readonly secret: string,
    private readonly behave: (call: number) => SmsBehaviour,
  ) {}

  async start(): Promise<void> {
    const server = createServer((req, res) => void this.handle(req, res));
    this.server = server;
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    const address = server.address();
    this.url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/sms`;
  }

  async stop(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    await new Promise((ok) => (this.server ? this.server.close(ok) : ok(undefined)));
  }

  sentFor(tenantIds: ReadonlySet<string>): SentSms[] {
    return [...this.sent.values()].filter((s) => tenantIds.has(s.tenantId));
  }

  keysFor(tenantIds: ReadonlySet<string>): number {
    return [...this.keys].filter(([t]) => tenantIds.has(t)).reduce((n, [, keys]) => n + keys.size, 0);
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
    const keys = this.keys.get(body.tenantId) ?? new Set<string>();
    this.keys.set(body.tenantId, keys.add(key));
    const earlier = this.sent.get(key);
    if (earlier) {
      if (earlier.wamid !== body.wamid || earlier.to !== body.to) this.conflicts.push(key);
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: `sms-${key}`, replayed: true }));
      return;
    }
    const behaviour = this.behave(call);
    if (behaviour === 'fail') {
      res.writeHead(500).end('provider down');
      return;
    }
    this.sent.set(key, { idempotencyKey: key, tenantId: body.tenantId, wamid: body.wamid, to: body.to });
    if (behaviour === 'hang-after-sending') {
      this.hanging.add(res);
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: `sms-${key}` }));
  }
}
