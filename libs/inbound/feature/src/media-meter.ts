import { createHash } from 'node:crypto';
import { Transform, TransformCallback } from 'node:stream';

/** The medium is larger than INBOUND_MEDIA_MAX_BYTES: a permanent failure, never retried. */
export class MediaTooLargeError extends Error {
  override readonly name = 'MediaTooLargeError';

  constructor(
    readonly limit: number,
    /** The declared size, or undefined when the stream ran past the limit. */
    readonly declared?: number,
  ) {
    super(declared === undefined ? `media too large: more than ${limit} bytes` : `media too large: ${declared} bytes, the limit is ${limit}`);
  }
}

/** The bytes do not hash to the sha256 Meta gave: retried (the next download may be whole). */
export class ChecksumMismatchError extends Error {
  override readonly name = 'ChecksumMismatchError';

  constructor() {
    super('sha256 mismatch');
  }
}

/** A Content-Length header as a byte count; undefined when absent or not a plain non-negative integer. */
export function declaredLength(header: string | null | undefined): number | undefined {
  if (header === null || header === undefined || !/^\s*\d+\s*$/.test(header)) return undefined;
  const n = Number(header);
  return Number.isSafeInteger(n) ? n : undefined;
}

/** Meta has sent the checksum as hex and as base64: either matches. No expected value matches anything. */
export function checksumMatches(expected: string | undefined, digest: Buffer): boolean {
  if (expected === undefined || expected === '') return true;
  return expected.toLowerCase() === digest.toString('hex') || expected === digest.toString('base64');
}

export interface MeterOptions {
  maxBytes: number;
  /** Meta's sha256 (hex or base64), checked when the stream ends. */
  expectedSha256?: string | undefined;
  /** Hash the bytes (default true); off where only the cap matters. */
  hashing?: boolean;
  /** Called for every chunk that passes (an idle timer's heartbeat). */
  onProgress?: () => void;
}

/**
 * A pass-through that counts, caps and hashes the bytes flowing through it,
 * so nothing needs the whole medium in memory. Past `maxBytes` it fails
 * with MediaTooLargeError without passing the chunk on (what went
 * downstream never exceeds the cap); at the end it checks the sha256 and
 * fails with ChecksumMismatchError, so a sink that commits only on a clean
 * end (temp file + rename, a completed upload) never commits bad bytes.
 */
export class MediaMeter extends Transform {
  bytes = 0;
  /** The sha256 of everything that passed, once the stream ended. */
  digest: Buffer | undefined;
  /** What this meter itself refused, as opposed to errors of the streams around it. */
  failure: MediaTooLargeError | ChecksumMismatchError | undefined;
  private readonly hash;

  constructor(private readonly options: MeterOptions) {
    super();
    this.hash = options.hashing === false ? undefined : createHash('sha256');
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.options.maxBytes) return done(this.fail(new MediaTooLargeError(this.options.maxBytes)));
    this.hash?.update(chunk);
    this.options.onProgress?.();
    done(null, chunk);
  }

  override _flush(done: TransformCallback): void {
    if (this.hash) {
      this.digest = this.hash.digest();
      if (!checksumMatches(this.options.expectedSha256, this.digest)) return done(this.fail(new ChecksumMismatchError()));
    }
    done();
  }

  private fail<E extends MediaTooLargeError | ChecksumMismatchError>(error: E): E {
    this.failure = error;
    return error;
  }
}
