import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync } from 'node:fs';
import { createServer, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { createEgressAgent, EgressPolicy } from '@wahooks/egress';

import { DownloadLimits, downloadMedia, MediaSink } from './graph-media.client';
import { FilesystemMediaStorage } from './media-storage';

/** How the fake media host answers GET /file; the metadata answer points there. */
type FileAnswer = (res: ServerResponse) => void;

const BYTES = Buffer.alloc(300_000, 7);
const SHA = createHash('sha256').update(BYTES).digest('hex');

async function serve(file: FileAnswer, info: (url: string) => object | string = (url) => ({ url, mime_type: 'video/mp4', sha256: SHA })) {
  const open = new Set<ServerResponse>();
  const server = createServer((req, res) => {
    open.add(res);
    if (req.url?.startsWith('/file')) return file(res);
    const answer = info(`http://127.0.0.1:${(server.address() as AddressInfo).port}/file`);
    res.writeHead(200, { 'content-type': 'application/json' }).end(typeof answer === 'string' ? answer : JSON.stringify(answer));
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  return {
    cfg: { accessToken: 'token', baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, version: 'v23.0' },
    close: () => {
      for (const res of open) res.destroy();
      server.close();
    },
  };
}

const limits: DownloadLimits = { timeoutMs: 1000, idleTimeoutMs: 300, downloadTimeoutMs: 5000, maxBytes: 1_000_000 };

describe('downloadMedia (streamed, capped, with timeouts)', () => {
  let root: string;
  let sink: MediaSink;
  let close: () => void = () => undefined;
  const files = () => readdirSync(root, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => e.name);

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'graph-media-'));
    const storage = new FilesystemMediaStorage(root);
    sink = (body, meta) => storage.put('t/medium.mp4', body, meta);
  });
  afterEach(() => close());

  /** `allow`: EGRESS_ALLOW for the call; by default the fake's address and port, as the tests' apps are started. */
  const run = async (file: FileAnswer, l: Partial<DownloadLimits> = {}, info?: (url: string) => object | string, cancel?: AbortSignal, allow?: (fakeHost: string) => string) => {
    const s = await serve(file, info);
    close = s.close;
    const host = new URL(s.cfg.baseUrl).host;
    const dispatcher = createEgressAgent(EgressPolicy.parse(allow ? allow(host) : host));
    return downloadMedia(s.cfg, 'm1', { ...limits, ...l }, sink, cancel ? { dispatcher, cancel } : { dispatcher });
  };

  it('streams the medium into the sink, hashed', async () => {
    const out = await run((res) => res.writeHead(200, { 'content-length': String(BYTES.length) }).end(BYTES));
    expect(out).toEqual({ ok: true, mimeType: 'video/mp4', sha256: SHA, sizeBytes: BYTES.length });
    expect(files()).toEqual(['medium.mp4']);
  });

  it('refuses a declared Content-Length over the cap before reading the body, for good', async () => {
    let sinkCalled = false;
    sink = () => Promise.resolve((sinkCalled = true) && undefined);
    const out = await run((res) => res.writeHead(200, { 'content-length': '5000000' }).write(Buffer.alloc(1000)));
    expect(out).toEqual({ ok: false, retryable: false, tooLarge: true, error: 'media too large: 5000000 bytes, the limit is 1000000 (INBOUND_MEDIA_MAX_BYTES)' });
    expect(sinkCalled).toBe(false);
  });

  it('cuts off an undeclared body at the cap, for good, and leaves no partial file', async () => {
    const out = await run((res) => {
      res.writeHead(200);
      const pump = () => {
        while (!res.destroyed) if (!res.write(Buffer.alloc(65536))) return void res.once('drain', pump);
      };
      pump();
    });
    expect(out).toEqual({ ok: false, retryable: false, tooLarge: true, error: 'media too large: more than 1000000 bytes (INBOUND_MEDIA_MAX_BYTES)' });
    expect(files()).toEqual([]);
  });

  it('retries bytes that fail the sha256, storing nothing', async () => {
    const out = await run((res) => res.writeHead(200).end(Buffer.alloc(1000)));
    expect(out).toMatchObject({ ok: false, retryable: true });
    expect(out.ok ? '' : out.error).toMatch(/^download from 127\.0\.0\.1:\d+: sha256 mismatch$/);
    expect(files()).toEqual([]);
  });

  it('gives up on a body that stalls (idle timeout), and on one that trickles past the deadline', async () => {
    const stalled = await run((res) => res.writeHead(200, { 'content-length': String(BYTES.length) }).write(BYTES.subarray(0, 1000)));
    expect(stalled.ok ? '' : stalled.error).toMatch(/^download from 127\.0\.0\.1:\d+: stalled, no bytes for 300 ms$/);
    close();
    const trickle = await run(
      (res) => {
        res.writeHead(200, { 'content-length': String(BYTES.length) });
        const timer = setInterval(() => (res.destroyed ? clearInterval(timer) : res.write(Buffer.alloc(10))), 20);
      },
      { downloadTimeoutMs: 400 },
    );
    expect(trickle).toEqual({ ok: false, retryable: true, error: 'media download: not finished within 400 ms' });
    expect(files()).toEqual([]);
  });

  it('times out waiting for headers', async () => {
    const out = await run(() => undefined, { timeoutMs: 200 });
    expect(out.ok ? '' : out.error).toMatch(/^download from 127\.0\.0\.1:\d+: no response within 200 ms$/);
  });

  it('says whose fault a failure was: the connection, or the storage', async () => {
    const cut = await run((res) => res.writeHead(200, { 'content-length': String(BYTES.length) }).write(BYTES.subarray(0, 1000), () => res.destroy()));
    expect(cut).toMatchObject({ ok: false, retryable: true });
    expect(cut.ok ? '' : cut.error).toMatch(/^download from 127\.0\.0\.1:\d+: /);
    close();
    sink = async (body) => {
      body.destroy();
      throw new Error('disk full');
    };
    const full = await run((res) => res.writeHead(200, { 'content-length': String(BYTES.length) }).end(BYTES));
    expect(full).toEqual({ ok: false, retryable: true, error: 'storage: disk full' });
  });

  it('marks a download cancelled by us (shutdown) as such', async () => {
    const cancel = new AbortController();
    setTimeout(() => cancel.abort(new Error('shutting down')), 100);
    const out = await run((res) => res.writeHead(200, { 'content-length': String(BYTES.length) }).write(BYTES.subarray(0, 1000)), { idleTimeoutMs: 5000 }, undefined, cancel.signal);
    expect(out).toMatchObject({ ok: false, retryable: true, cancelled: true });
    expect(files()).toEqual([]);
  });

  it('connects only where the egress policy allows: the Graph API host, and the media URL its answer names', async () => {
    const ok = (res: ServerResponse) => res.writeHead(200, { 'content-length': String(BYTES.length) }).end(BYTES);
    expect(await run(ok, {}, undefined, undefined, () => '')).toEqual({ ok: false, retryable: true, error: 'media info: refused-by-egress-policy' });
    close();
    // A metadata answer pointing at the cloud metadata service, or at another local port: refused, the token never sent there.
    const metadata = await run(ok, {}, () => ({ url: 'http://169.254.169.254/latest/meta-data/iam/security-credentials/', sha256: SHA }));
    expect(metadata).toEqual({ ok: false, retryable: true, error: 'download from 169.254.169.254: refused-by-egress-policy' });
    close();
    const elsewhere = await run(ok, {}, (url) => ({ url: url.replace(/:(\d+)\//, (_m, port: string) => `:${Number(port) + 1}/`), sha256: SHA }));
    expect(elsewhere.ok ? '' : elsewhere.error).toMatch(/^download from 127\.0\.0\.1:\d+: refused-by-egress-policy$/);
    expect(files()).toEqual([]);
  });

  it('refuses by file_size without requesting the file, and does not read an oversized metadata answer', async () => {
    const big = await run(() => undefined, {}, (url) => ({ url, file_size: 2_000_000 }));
    expect(big).toEqual({ ok: false, retryable: false, tooLarge: true, error: 'media too large: 2000000 bytes, the limit is 1000000 (INBOUND_MEDIA_MAX_BYTES)' });
    close();
    const bloated = await run(() => undefined, {}, () => `{"x":"${'a'.repeat(100_000)}"}`);
    expect(bloated).toEqual({ ok: false, retryable: true, error: 'media info: answer larger than 65536 bytes' });
  });
});
