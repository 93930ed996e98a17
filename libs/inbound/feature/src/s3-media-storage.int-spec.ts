import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';

import { S3MediaStorage } from './s3-media-storage';

/**
 * A minimal S3 endpoint (path-style PUT/GET of objects) in the test process:
 * enough to prove the storage speaks the S3 protocol through the real AWS
 * SDK, including the not-found answer, without a cloud account.
 */
function fakeS3(): Promise<{ server: Server; url: string; objects: Map<string, Buffer>; requests: string[] }> {
  const objects = new Map<string, Buffer>();
  const requests: string[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
      requests.push(`${req.method} ${path} ${req.headers['authorization']?.startsWith('AWS4-HMAC-SHA256') ? 'signed' : 'unsigned'}`);
      if (req.method === 'PUT') {
        objects.set(path, Buffer.concat(chunks));
        res.writeHead(200, { etag: '"x"' }).end();
      } else if (req.method === 'GET' && objects.has(path)) {
        const body = objects.get(path)!;
        res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(body.length) }).end(body);
      } else {
        res
          .writeHead(404, { 'content-type': 'application/xml' })
          .end('<?xml version="1.0" encoding="UTF-8"?><Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message></Error>');
      }
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, objects, requests })),
  );
}

describe('S3MediaStorage against an S3-compatible endpoint', () => {
  it('puts and gets objects under the prefix, signed, and answers undefined for a missing key', async () => {
    const s3 = await fakeS3();
    try {
      const storage = new S3MediaStorage({
        bucket: 'media',
        region: 'us-east-1',
        endpoint: s3.url,
        forcePathStyle: true,
        credentials: { accessKeyId: 'test', secretAccessKey: 'test-secret' },
        prefix: 'wahooks/',
      });
      const bytes = Buffer.from([0, 1, 2, 250, 255]);
      await storage.put('acme/abc.jpg', bytes);
      expect(s3.objects.get('/media/wahooks/acme/abc.jpg')).toEqual(bytes);
      expect(await storage.get('acme/abc.jpg')).toEqual(bytes);
      expect(await storage.get('acme/missing.jpg')).toBeUndefined();
      expect(s3.requests.every((r) => r.endsWith('signed') && !r.endsWith('unsigned'))).toBe(true);
    } finally {
      s3.server.close();
    }
  });
});
