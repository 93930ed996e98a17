import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';

import { PART_BYTES, S3MediaStorage } from './s3-media-storage';

interface FakeS3 {
  server: Server;
  url: string;
  objects: Map<string, Buffer>;
  /** Multipart uploads begun and not completed or aborted, by upload id. */
  uploads: Map<string, { path: string; parts: Map<number, Buffer> }>;
  requests: string[];
}

/**
 * A minimal S3 endpoint in the test process (path style): PUT/GET of
 * objects and the multipart calls (create, upload part, complete, abort),
 * enough to prove the storage speaks the S3 protocol through the real AWS
 * SDK, including the not-found answer, without a cloud account.
 */
function fakeS3(): Promise<FakeS3> {
  const objects = new Map<string, Buffer>();
  const uploads = new Map<string, { path: string; parts: Map<number, Buffer> }>();
  const requests: string[] = [];
  let ids = 0;
  const xml = (res: ServerResponse, body: string) => res.writeHead(200, { 'content-type': 'application/xml' }).end(`<?xml version="1.0" encoding="UTF-8"?>${body}`);
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const path = decodeURIComponent(url.pathname);
      const q = url.searchParams;
      const op = q.has('uploads') ? 'create' : q.has('partNumber') ? 'part' : q.has('uploadId') ? (req.method === 'DELETE' ? 'abort' : 'complete') : req.method;
      requests.push(`${op} ${path} ${req.headers['authorization']?.startsWith('AWS4-HMAC-SHA256') ? 'signed' : 'unsigned'}`);
      const upload = uploads.get(q.get('uploadId') ?? '');
      if (op === 'create') {
        const id = `up-${++ids}`;
        uploads.set(id, { path, parts: new Map() });
        return xml(res, `<InitiateMultipartUploadResult><Bucket>media</Bucket><Key>${path}</Key><UploadId>${id}</UploadId></InitiateMultipartUploadResult>`);
      }
      if (op === 'part' && upload) {
        upload.parts.set(Number(q.get('partNumber')), Buffer.concat(chunks));
        return void res.writeHead(200, { etag: `"p${q.get('partNumber')}"` }).end();
      }
      if (op === 'complete' && upload) {
        objects.set(upload.path, Buffer.concat([...upload.parts.entries()].sort(([a], [b]) => a - b).map(([, b]) => b)));
        uploads.delete(q.get('uploadId')!);
        return xml(res, `<CompleteMultipartUploadResult><Key>${path}</Key><ETag>"done"</ETag></CompleteMultipartUploadResult>`);
      }
      if (op === 'abort' && upload) {
        uploads.delete(q.get('uploadId')!);
        return void res.writeHead(204).end();
      }
      if (op === 'PUT') {
        objects.set(path, Buffer.concat(chunks));
        return void res.writeHead(200, { etag: '"x"' }).end();
      }
      if (op === 'GET' && objects.has(path)) {
        const body = objects.get(path)!;
        return void res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(body.length) }).end(body);
      }
      res
        .writeHead(404, { 'content-type': 'application/xml' })
        .end('<?xml version="1.0" encoding="UTF-8"?><Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message></Error>');
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, objects, uploads, requests })),
  );
}

/** `total` bytes in 64 KiB chunks made as read; fails after `failAfter` bytes when given. */
function generated(total: number, failAfter?: number): Readable {
  return Readable.from(
    (function* () {
      for (let at = 0; at < total; at += 65536) {
        if (failAfter !== undefined && at >= failAfter) throw new Error('connection reset');
        yield Buffer.alloc(Math.min(65536, total - at), (at / 65536) % 251);
      }
    })(),
  );
}

describe('S3MediaStorage against an S3-compatible endpoint', () => {
  let s3: FakeS3;
  let storage: S3MediaStorage;

  beforeEach(async () => {
    s3 = await fakeS3();
    storage = new S3MediaStorage(
      { bucket: 'media', region: 'us-east-1', endpoint: s3.url, forcePathStyle: true, credentials: { accessKeyId: 'test', secretAccessKey: 'test-secret' }, prefix: 'wahooks/' },
      { connectTimeoutMs: 2000, idleTimeoutMs: 5000 },
    );
  });

  afterEach(() => {
    s3.server.closeAllConnections();
    s3.server.close();
  });

  it('puts a small medium as one object under the prefix, signed, streams it back, and answers undefined for a missing key', async () => {
    const bytes = Buffer.from([0, 1, 2, 250, 255]);
    await storage.put('acme/abc.jpg', Readable.from([bytes]));
    expect(s3.objects.get('/media/wahooks/acme/abc.jpg')).toEqual(bytes);
    const stored = await storage.open('acme/abc.jpg');
    expect(stored?.size).toBe(5);
    expect(await buffer(stored!.stream)).toEqual(bytes);
    expect(await storage.open('acme/missing.jpg')).toBeUndefined();
    expect(s3.requests.map((r) => r.split(' ')[0])).toEqual(['PUT', 'GET', 'GET']);
    expect(s3.requests.every((r) => r.endsWith(' signed'))).toBe(true);
  });

  it('uploads a medium larger than a part in parts of at least 5 MiB, completed only at the end', async () => {
    const total = 2 * PART_BYTES + 12345;
    await storage.put('acme/big.mp4', generated(total));
    expect(s3.requests.map((r) => r.split(' ')[0])).toEqual(['create', 'part', 'part', 'part', 'complete']);
    // equals(), not toEqual(): Jest compares buffers byte by byte, slowly.
    expect((await buffer(generated(total))).equals(s3.objects.get('/media/wahooks/acme/big.mp4') ?? Buffer.alloc(0))).toBe(true);
    expect(s3.uploads.size).toBe(0);
  });

  it('aborts the multipart upload when the body fails midway: no object, no upload left', async () => {
    const body = generated(3 * PART_BYTES, PART_BYTES + 65536);
    await expect(storage.put('acme/cut.mp4', body)).rejects.toThrow('connection reset');
    expect(s3.requests.map((r) => r.split(' ')[0])).toEqual(['create', 'part', 'abort']);
    expect([s3.objects.size, s3.uploads.size, body.destroyed]).toEqual([0, 0, true]);
  });

  it('writes nothing when a small body fails', async () => {
    await expect(storage.put('acme/small.jpg', generated(100_000, 65536))).rejects.toThrow('connection reset');
    expect([s3.requests, s3.objects.size]).toEqual([[], 0]);
  });
});
