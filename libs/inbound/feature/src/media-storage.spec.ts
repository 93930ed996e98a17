import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';

import { FilesystemMediaStorage, mediaKey } from './media-storage';

/** Yields some bytes, then fails: a download cut short. */
const broken = (): Readable =>
  Readable.from(
    (async function* () {
      yield Buffer.from('first half, ');
      await new Promise((r) => setTimeout(r, 5));
      throw new Error('connection reset');
    })(),
  );

/** Every file under the root, temp files included. */
const files = (root: string): string[] => readdirSync(root, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => e.name);

describe('media storage', () => {
  it('keys media by tenant and a hash of the wamid (wamids are base64 and may hold "/")', () => {
    const key = mediaKey('acme/eu', 'wamid.HBg/LMTY=', 'image/jpeg; charset=binary');
    expect(key).toMatch(/^acme%2Feu\/[0-9a-f]{64}\.jpg$/);
    expect(mediaKey('acme', 'wamid.1', null)).toMatch(/\.bin$/);
  });

  it('stores a stream and opens it as a stream with its size; answers undefined for what it does not have', async () => {
    const storage = new FilesystemMediaStorage(mkdtempSync(join(tmpdir(), 'media-spec-')));
    const key = mediaKey('acme', 'wamid.1', 'audio/ogg');
    await storage.put(key, Readable.from([Buffer.from('voice '), Buffer.from('note')]));
    const stored = await storage.open(key);
    expect(stored?.size).toBe(10);
    expect(await text(stored!.stream)).toBe('voice note');
    // The same key again (a download done twice) replaces it whole.
    await storage.put(key, Readable.from([Buffer.from('voice note, again')]));
    expect(await text((await storage.open(key))!.stream)).toBe('voice note, again');
    expect(await storage.open(mediaKey('acme', 'wamid.2', null))).toBeUndefined();
  });

  it('leaves nothing behind when the body fails midway, and keeps what was stored before', async () => {
    const root = mkdtempSync(join(tmpdir(), 'media-spec-'));
    const storage = new FilesystemMediaStorage(root);
    await expect(storage.put(mediaKey('acme', 'wamid.3', null), broken())).rejects.toThrow('connection reset');
    expect(files(root)).toEqual([]);
    const key = mediaKey('acme', 'wamid.4', null);
    await storage.put(key, Readable.from([Buffer.from('whole')]));
    await expect(storage.put(key, broken())).rejects.toThrow('connection reset');
    expect(files(root)).toHaveLength(1);
    expect(await text((await storage.open(key))!.stream)).toBe('whole');
  });

  it('stops and cleans up when aborted', async () => {
    const root = mkdtempSync(join(tmpdir(), 'media-spec-'));
    const storage = new FilesystemMediaStorage(root);
    const endless = new Readable({ read() {} });
    endless.push(Buffer.from('some bytes'));
    const ac = new AbortController();
    const put = storage.put(mediaKey('acme', 'wamid.5', null), endless, { signal: ac.signal });
    setTimeout(() => ac.abort(), 20);
    await expect(put).rejects.toThrow(/abort/i);
    expect(endless.destroyed).toBe(true);
    expect(files(root)).toEqual([]);
  });

  it('refuses a key that escapes the storage root, and destroys the body', async () => {
    const storage = new FilesystemMediaStorage(mkdtempSync(join(tmpdir(), 'media-spec-')));
    const body = Readable.from([Buffer.from('x')]);
    await expect(storage.put('../outside.bin', body)).rejects.toThrow(/escapes/);
    expect(body.destroyed).toBe(true);
  });
});
