import { issueApiKey, parseApiKey } from './api-key';
import { digestsEqual, SecretBox, sha256Hex } from './secret-box';

describe('SecretBox', () => {
  const box = new SecretBox(Buffer.alloc(32, 3));

  it('round-trips a secret and never stores the plaintext', () => {
    const sealed = box.seal('meta-app-secret', 'acme');
    expect(Buffer.from(sealed).includes(Buffer.from("meta-app-secret"))).toBe(false);
    expect(box.open(sealed, 'acme')).toBe('meta-app-secret');
  });

  it('refuses a sealed secret moved to another tenant', () => {
    const sealed = box.seal('meta-app-secret', 'acme');
    expect(() => box.open(sealed, 'globex')).toThrow();
  });

  it('refuses a tampered ciphertext and a different key', () => {
    const sealed = box.seal('meta-app-secret', 'acme');
    const tampered = Buffer.from(sealed);
    tampered.writeUInt8(tampered.readUInt8(tampered.length - 1) ^ 1, tampered.length - 1);
    expect(() => box.open(tampered, 'acme')).toThrow();
    expect(() => new SecretBox(Buffer.alloc(32, 4)).open(sealed, 'acme')).toThrow();
  });
});

describe('api keys and digests', () => {
  it('issues keys that parse back and whose hash matches', () => {
    const key = issueApiKey();
    const parsed = parseApiKey(key.plaintext);
    expect(parsed?.prefix).toBe(key.prefix);
    expect(digestsEqual(sha256Hex(parsed?.secret ?? ''), key.secretHash)).toBe(true);
  });

  it('rejects malformed keys and unequal digests', () => {
    expect(parseApiKey('whk_short_x')).toBeUndefined();
    expect(parseApiKey('')).toBeUndefined();
    expect(digestsEqual(sha256Hex('a'), sha256Hex('b'))).toBe(false);
    expect(digestsEqual('', '')).toBe(false);
  });
});
