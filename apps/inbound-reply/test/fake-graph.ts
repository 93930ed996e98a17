import { createHash } from 'node:crypto';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';

/** What the server does for the n-th request (1-based) about one media id, per step. */
export type Plan = (step: 'info' | 'file', n: number) => 'ok' | 'fail-500' | 'hang' | 'not-found' | 'bad-bytes';

/** The bytes the fake stores for a media id: deterministic, so tests can compare. */
export const bytesOf = (mediaId: string): Buffer => Buffer.from(`media bytes of ${mediaId}\n`.repeat(50));

/**
 * A local Graph API for media: GET /{version}/{media-id} answers Meta's JSON
 * ({url, mime_type, sha256, file_size}), GET /files/{media-id} the bytes,
 * both only with the expected bearer token. `plan` injects failures (500,
 * a hang the client must time out on, 404, corrupt bytes) per media id.
 * Independent of the code under test.
 */
export class FakeGraph {
  url = '';
  readonly calls: Array<{ step: 'info' | 'file'; mediaId: string; authorized: boolean }> = [];
  private server: Server | undefined;
  private readonly counts = new Map<string, number>();
  private readonly hanging = new Set<ServerResponse>();

  constructor(
    private readonly token: string,
    private readonly plans: (mediaId: string) => Plan,
  ) {}

  async start(): Promise<void> {
    this.server = createServer((req, res) => this.handle(req, res));
    await new Promise<void>((ok) => this.server!.listen(0, '127.0.0.1', ok));
    const address = this.server.address();
    this.url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  }

  async stop(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.server?.closeAllConnections();
    await new Promise((ok) => this.server?.close(ok));
  }

  callsFor(mediaId: string): number {
    return this.calls.filter((c) => c.mediaId === mediaId && c.step === 'info').length;
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const file = /^\/files\/(.+)$/.exec(path);
    const info = /^\/v\d+\.\d+\/(.+)$/.exec(path);
    const step = file ? 'file' : 'info';
    const mediaId = decodeURIComponent((file ?? info)?.[1] ?? '');
    const authorized = req.headers.authorization === `Bearer ${this.token}`;
    this.calls.push({ step, mediaId, authorized });
    if (!file && !info) return void res.writeHead(404).end();
    if (!authorized) return void res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":{"code":190}}');
    const key = `${step}:${mediaId}`;
    const n = (this.counts.get(key) ?? 0) + 1;
    this.counts.set(key, n);
    const bytes = bytesOf(mediaId);
    switch (this.plans(mediaId)(step, n)) {
      case 'fail-500':
        return void res.writeHead(500).end('{"error":{"message":"temporary"}}');
      case 'hang':
        this.hanging.add(res);
        return;
      case 'not-found':
        return void res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":{"code":100,"message":"media not found"}}');
      case 'bad-bytes':
        return void res.writeHead(200, { 'content-type': 'image/jpeg' }).end(Buffer.from('corrupted'));
      case 'ok':
        if (file) return void res.writeHead(200, { 'content-type': 'image/jpeg' }).end(bytes);
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ messaging_product: 'whatsapp', url: `${this.url}/files/${encodeURIComponent(mediaId)}?sig=abc`, mime_type: 'image/jpeg', sha256: createHash('sha256').update(bytes).digest('hex'), file_size: bytes.length, id: mediaId }));
    }
  }
}
