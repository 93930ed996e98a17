import { createHash } from 'node:crypto';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

import { ChecksumMismatchError, checksumMatches, declaredLength, MediaMeter, MediaTooLargeError } from './media-meter';

/** `n` chunks of `size` bytes, made as they are read. */
const chunks = (n: number, size: number): Readable =>
  Readable.from(
    (function* () {
      for (let i = 0; i < n; i++) yield Buffer.alloc(size, i % 251);
    })(),
  );

const sha = (n: number, size: number): Buffer => {
  const h = createHash('sha256');
  for (let i = 0; i < n; i++) h.update(Buffer.alloc(size, i % 251));
  return h.digest();
};

/** Counts what reaches the end of the pipe. */
const counter = (): Writable & { received: number } => {
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      sink.received += chunk.length;
      done();
    },
  }) as Writable & { received: number };
  sink.received = 0;
  return sink;
};

describe('media meter', () => {
  it('reads a Content-Length, and nothing else, as a size', () => {
    expect(declaredLength('1048576')).toBe(1048576);
    expect(declaredLength(' 0 ')).toBe(0);
    expect([declaredLength(null), declaredLength(undefined), declaredLength(''), declaredLength('-1'), declaredLength('12abc'), declaredLength('1e9'), declaredLength('99999999999999999999')]).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });

  it("matches Meta's sha256 as hex (any case) or base64, and anything when Meta gave none", () => {
    const digest = createHash('sha256').update('x').digest();
    expect(checksumMatches(digest.toString('hex').toUpperCase(), digest)).toBe(true);
    expect(checksumMatches(digest.toString('base64'), digest)).toBe(true);
    expect(checksumMatches(undefined, digest)).toBe(true);
    expect(checksumMatches('', digest)).toBe(true);
    expect(checksumMatches('00'.repeat(32), digest)).toBe(false);
  });

  it('passes every byte through, counting and hashing as they flow', async () => {
    let beats = 0;
    const meter = new MediaMeter({ maxBytes: 64 * 1024 * 100, expectedSha256: sha(100, 64 * 1024).toString('base64'), onProgress: () => beats++ });
    const sink = counter();
    await pipeline(chunks(100, 64 * 1024), meter, sink);
    expect([meter.bytes, sink.received, beats]).toEqual([6553600, 6553600, 100]);
    expect(meter.digest?.equals(sha(100, 64 * 1024))).toBe(true);
    expect(meter.failure).toBeUndefined();
  });

  it('fails past the cap without passing on the chunk that crossed it', async () => {
    const meter = new MediaMeter({ maxBytes: 10_000 });
    const sink = counter();
    await expect(pipeline(chunks(1000, 4096), meter, sink)).rejects.toBeInstanceOf(MediaTooLargeError);
    expect(meter.failure).toBeInstanceOf(MediaTooLargeError);
    expect(sink.received).toBe(8192);
    expect(meter.failure?.message).toBe('media too large: more than 10000 bytes');
  });

  it('fails at the end when the bytes do not hash to the expected sha256, and not before', async () => {
    const meter = new MediaMeter({ maxBytes: 1e6, expectedSha256: '00'.repeat(32) });
    const sink = counter();
    await expect(pipeline(chunks(3, 1000), meter, sink)).rejects.toBeInstanceOf(ChecksumMismatchError);
    expect(meter.failure).toBeInstanceOf(ChecksumMismatchError);
    expect(meter.bytes).toBe(3000);
  });

  it('only caps when hashing is off', async () => {
    const meter = new MediaMeter({ maxBytes: 3000, hashing: false, expectedSha256: '00'.repeat(32) });
    await pipeline(chunks(3, 1000), meter, counter());
    expect([meter.bytes, meter.digest, meter.failure]).toEqual([3000, undefined, undefined]);
  });

  it('describes a declared size over the cap', () => {
    expect(new MediaTooLargeError(100, 250).message).toBe('media too large: 250 bytes, the limit is 100');
  });
});
