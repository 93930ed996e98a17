import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, resolve, sep } from 'node:path';

export const MEDIA_STORAGE = Symbol('MEDIA_STORAGE');

/**
 * Where media bytes live, by storage key. The filesystem implementation is
 * the default; an S3-compatible one is the extension point: implement
 * `put`/`get` as PutObject/GetObject on a bucket with the same keys and
 * provide it under MEDIA_STORAGE (InboundModule's factory) when configured.
 * Keys are relative paths without `..`, so they map onto object keys as is.
 */
export interface MediaStorage {
  put(key: string, bytes: Buffer): Promise<void>;
  /** undefined when nothing is stored under the key. */
  get(key: string): Promise<Buffer | undefined>;
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

  async put(key: string, bytes: Buffer): Promise<void> {
    const path = this.pathOf(key);
    await mkdir(dirname(path), { recursive: true });
    // Write then rename: a reader never sees half a file, a crash leaves only a temp file.
    const tmp = `${path}.${randomBytes(4).toString('hex')}.tmp`;
    await writeFile(tmp, bytes);
    await rename(tmp, path);
  }

  async get(key: string): Promise<Buffer | undefined> {
    try {
      return await readFile(this.pathOf(key));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  private pathOf(key: string): string {
    const path = resolve(this.root, key);
    if (!path.startsWith(this.root + sep)) throw new Error('storage key escapes the storage root');
    return path;
  }
}
