import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { FilesystemMediaStorage, mediaKey } from './media-storage';

describe('media storage', () => {
  it('keys media by tenant and a hash of the wamid (wamids are base64 and may hold "/")', () => {
    const key = mediaKey('acme/eu', 'wamid.HBg/LMTY=', 'image/jpeg; charset=binary');
    expect(key).toMatch(/^acme%2Feu\/[0-9a-f]{64}\.jpg$/);
    expect(mediaKey('acme', 'wamid.1', null)).toMatch(/\.bin$/);
  });

  it('stores and reads bytes, and answers undefined for what it does not have', async () => {
    const storage = new FilesystemMediaStorage(mkdtempSync(join(tmpdir(), 'media-spec-')));
    const key = mediaKey('acme', 'wamid.1', 'audio/ogg');
    await storage.put(key, Buffer.from('voice note'));
    expect((await storage.get(key))?.toString()).toBe('voice note');
    expect(await storage.get(mediaKey('acme', 'wamid.2', null))).toBeUndefined();
  });

  it('refuses a key that escapes the storage root', async () => {
    const storage = new FilesystemMediaStorage(mkdtempSync(join(tmpdir(), 'media-spec-')));
    await expect(storage.put('../outside.bin', Buffer.from('x'))).rejects.toThrow(/escapes/);
  });
});
