import { createHash } from 'node:crypto';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';

import { mediaBytes, sha256Hex } from './media';
import type { Oracle } from './plan.types';

export interface GraphMedia {
  id: string;
  mimeType: string;
}

/** Every media id a run's inbound messages carry, with its type. */
export const graphMediaOf = (oracle: Oracle): GraphMedia[] => oracle.inbound.flatMap((m) => (m.media ? [{ id: m.media.id, mimeType: m.media.mimeType }] : []));

export interface GraphCounts {
  info: number;
  file: number;
  /** Requests without the run's bearer token: must stay 0. */
  unauthorized: number;
  /** Requests for a media id the run never sent: must stay 0. */
  unknownMedia: number;
  /** Failures served on purpose (with `faults`). */
  faults: number;
}

/**
 * Meta's Graph API for media, as far as inbound-reply uses it:
 * `GET /{version}/{media-id}` answers `{url, mime_type, sha256, file_size, id}`,
 * the URL serves the bytes (`mediaBytes`, so the oracle knows their hash);
 * both only with the run's bearer token. With `faults`, some media fail
 * their first info request (500) or first download (truncated bytes, a
 * checksum mismatch), chosen by the id so runs repeat: the fetcher must
 * retry them to the same end state.
 */
export class FakeGraph {
  url = '';
  readonly counts: GraphCounts = { info: 0, file: 0, unauthorized: 0, unknownMedia: 0, faults: 0 };
  private server: Server | undefined;
  private readonly media: Map<string, string>;
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly token: string,
    media: readonly GraphMedia[],
    private readonly faults: boolean,
  ) {
    this.media = new Map(media.map((m) => [m.id, m.mimeType]));
  }

  async start(port = 0, host = '127.0.0.1'): Promise<void> {
    const server = createServer((req, res) => this.handle(req, res));
    this.server = server;
    await new Promise<void>((ok, fail) => {
      server.once('error', fail);
      server.listen(port, host, ok);
    });
    const address = server.address();
    this.url = `http://${host}:${typeof address === 'object' && address ? address.port : port}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((ok) => (this.server ? this.server.close(ok) : ok(undefined)));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const path = new URL(req.url ?? '/', 'http://graph').pathname;
    const file = /^\/files\/([^/]+)$/.exec(path);
    const info = /^\/v\d+\.\d+\/([^/]+)$/.exec(path);
    if (req.method !== 'GET' || (!file && !info)) return void res.writeHead(404).end();
    if (req.headers.authorization !== `Bearer ${this.token}`) {
      this.counts.unauthorized++;
      return void res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":{"message":"Invalid OAuth access token.","type":"OAuthException","code":190}}');
    }
    const id = decodeURIComponent((file ?? info)?.[1] ?? '');
    const mimeType = this.media.get(id);
    if (mimeType === undefined) {
      this.counts.unknownMedia++;
      return void res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":{"message":"Unsupported get request.","code":100}}');
    }
    const step = file ? 'file' : 'info';
    this.counts[step]++;
    const n = (this.seen.get(`${step}:${id}`) ?? 0) + 1;
    this.seen.set(`${step}:${id}`, n);
    const bytes = mediaBytes(id);
    const roll = createHash('sha256').update(id).digest()[0] ?? 0;
    if (this.faults && n === 1 && step === 'info' && roll % 4 === 0) {
      this.counts.faults++;
      return void res.writeHead(500, { 'content-type': 'application/json' }).end('{"error":{"message":"An unexpected error has occurred.","code":2,"is_transient":true}}');
    }
    if (this.faults && n === 1 && step === 'file' && roll % 5 === 1) {
      this.counts.faults++;
      return void res.writeHead(200, { 'content-type': mimeType }).end(bytes.subarray(0, bytes.length >> 1));
    }
    if (file) return void res.writeHead(200, { 'content-type': mimeType, 'content-length': String(bytes.length) }).end(bytes);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ messaging_product: 'whatsapp', url: `${this.url}/files/${encodeURIComponent(id)}?ext=${Date.now()}&hash=sim`, mime_type: mimeType, sha256: sha256Hex(bytes), file_size: bytes.length, id }));
  }
}
