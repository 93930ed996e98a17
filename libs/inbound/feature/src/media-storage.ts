import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { dirname, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export const MEDIA_STORAGE = Symbol('MEDIA_STORAGE');

export interface PutOptions {
  /** The byte count when known in advance (a declared Content-Length). */
  size?: number | undefined;
  /** Abandon the write (nothing is left under the key). */
  signal?: AbortSignal | undefined;
}

/** A stored medium, opened: its bytes as a stream, and its size when the storage knows it. */
export interface StoredMedia {
  stream: Readable;
  size: number | undefined;
}

/**
 * Where media bytes live, by storage key, streamed both ways: nothing here
 * holds a whole medium in memory. The filesystem is the default; an
 * S3-compatible bucket (s3-media-storage.ts) uses the same keys. Keys are
 * relative paths without `..`, so they map onto object keys as is.
 */
export interface MediaStorage {
  /**
   * Stores `body` under `key`, replacing what was there, visible only once
   * `body` ended cleanly. When `body` errors or the write fails or is
   * aborted, it rejects, destroys `body` and leaves nothing behind (no
   * partial object, no temp file). Writing the same key twice is harmless.
   */
  put(key: string, body: Readable, options?: PutOptions): Promise<void>;
  /** undefined when nothing is stored under the key. The caller consumes or destroys the stream. */
  open(key: string): Promise<StoredMedia | undefined>;
}

const EXTENSIONS: Record<string, string> = {
  'image/jpeg': '.jpg',
  'image/png': '.png',
  'image/webp': '.webp',
  'video/mp4': '.mp4',
  'video/3gpp': '.3gp',
  'audio/ogg': '.ogg',
  'audio/mpeg': '.mp3',
  'audio/mp4': '.m4a',
  'audio/aac': '.aac',
  'application/pdf': '.pdf',
};

/** `<tenant>/<sha256(wamid)><ext>`: wamids are base64 and may hold `/`; tenants are encoded. */
export function mediaKey(tenantId: string, wamid: string, mimeType: string | null): string {
  const ext = EXTENSIONS[(mimeType ?? '').split(';')[0]?.trim() ?? ''] ?? '.bin';
  return `${encodeURIComponent(tenantId)}/${createHash('sha256').update(wamid).digest('hex')}${ext}`;
}

export class FilesystemMediaStorage implements MediaStorage {
  private readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
  }

  async put(key: string, body: Readable, options: PutOptions = {}): Promise<void> {
    // Write then rename: a reader never sees half a file; a crash leaves at most a temp file beside it.
    let tmp: string | undefined;
    try {
      const path = this.pathOf(key);
      await mkdir(dirname(path), { recursive: true });
      tmp = `${path}.${randomBytes(4).toString('hex')}.tmp`;
      // flush: fsync before close, so the rename never publishes a file whose bytes are still in the page cache only.
      await pipeline(body, createWriteStream(tmp, { flush: true }), options.signal ? { signal: options.signal } : {});
      await rename(tmp, path);
    } catch (error) {
      body.destroy();
      if (tmp) await rm(tmp, { force: true });
      throw error;
    }
  }

  async open(key: string): Promise<StoredMedia | undefined> {
    let file;
    try {
      file = await open(this.pathOf(key), 'r');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    try {
      // Size and bytes of the same open file, even if a new copy is renamed over it meanwhile.
      const { size } = await file.stat();
      return { stream: file.createReadStream(), size };
    } catch (error) {
      await file.close();
      throw error;
    }
  }

  private pathOf(key: string): string {
    const path = resolve(this.root, key);
    if (!path.startsWith(this.root + sep)) throw new Error('storage key escapes the storage root');
    return path;
  }
}
