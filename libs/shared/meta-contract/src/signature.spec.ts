import { createHmac } from 'node:crypto';

import { signMetaBody, verifyMetaSignature } from './signature';

const SECRET = 'app-secret-current';
const PREVIOUS = 'app-secret-previous';

/** Independent of the code under test: Meta's recipe, spelled out. */
const hmac = (body: Buffer | string, secret: string) => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

// Meta signs its escaped-unicode serialisation: the bytes hold a literal
// backslash-u sequence, not the UTF-8 of "äöå".
const ESCAPED = Buffer.from('{"entry":[{"id":"1","changes":[{"field":"messages","value":{"text":"\\u00e4\\u00f6\\u00e5"}}]}]}');

describe('verifyMetaSignature', () => {
  it('accepts the signature of the exact bytes', () => {
    expect(verifyMetaSignature(ESCAPED, hmac(ESCAPED, SECRET), [SECRET])).toBe(true);
  });

  it('rejects the same document decoded and re-serialised (the bytes changed)', () => {
    const reserialised = Buffer.from(JSON.stringify(JSON.parse(ESCAPED.toString('utf8'))));
    expect(reserialised.toString('utf8')).toContain('äöå');
    expect(verifyMetaSignature(reserialised, hmac(ESCAPED, SECRET), [SECRET])).toBe(false);
  });

  it('accepts the second secret of a rotation, in either order', () => {
    const header = hmac(ESCAPED, PREVIOUS);
    expect(verifyMetaSignature(ESCAPED, header, [SECRET, PREVIOUS])).toBe(true);
    expect(verifyMetaSignature(ESCAPED, header, [PREVIOUS, SECRET])).toBe(true);
  });

  it.each([
    ['a wrong secret', hmac(ESCAPED, 'someone-else')],
    ['a missing header', undefined],
    ['an empty header', ''],
    ['a sha1= header', `sha1=${createHmac('sha1', SECRET).update(ESCAPED).digest('hex')}`],
    ['uppercase hex', hmac(ESCAPED, SECRET).replace(/[a-f]/g, (c) => c.toUpperCase())],
    ['an uppercase scheme', hmac(ESCAPED, SECRET).replace('sha256=', 'SHA256=')],
    ['garbage', 'sha256=not-a-signature-at-all'],
    ['a digest one hex digit short', hmac(ESCAPED, SECRET).slice(0, -1)],
    ['a digest one hex digit long', `${hmac(ESCAPED, SECRET)}0`],
    ['surrounding whitespace', ` ${hmac(ESCAPED, SECRET)} `],
    ['the bare digest without scheme', hmac(ESCAPED, SECRET).slice('sha256='.length)],
  ])('rejects %s without throwing', (_label, header) => {
    expect(verifyMetaSignature(ESCAPED, header, [SECRET])).toBe(false);
  });

  it('rejects everything when no secret is configured', () => {
    expect(verifyMetaSignature(ESCAPED, hmac(ESCAPED, SECRET), [])).toBe(false);
  });

  it('ignores an empty secret, whose HMAC anyone could compute', () => {
    expect(verifyMetaSignature(ESCAPED, hmac(ESCAPED, ''), [''])).toBe(false);
    expect(verifyMetaSignature(ESCAPED, hmac(ESCAPED, SECRET), ['', SECRET])).toBe(true);
  });

  it('rejects a body changed by one byte', () => {
    const tampered = Buffer.from(ESCAPED);
    tampered[tampered.length - 3] = 0x20;
    expect(verifyMetaSignature(tampered, hmac(ESCAPED, SECRET), [SECRET])).toBe(false);
  });
});

describe('signMetaBody', () => {
  it('produces the full header value Meta would send, from a Buffer or a string', () => {
    expect(signMetaBody(ESCAPED, SECRET)).toBe(hmac(ESCAPED, SECRET));
    expect(signMetaBody(ESCAPED.toString('utf8'), SECRET)).toBe(hmac(ESCAPED, SECRET));
    expect(signMetaBody(ESCAPED, SECRET)).toMatch(/^sha256=[0-9a-f]{64}$/);
  });

  it('round-trips through verifyMetaSignature', () => {
    expect(verifyMetaSignature(ESCAPED, signMetaBody(ESCAPED, SECRET), [PREVIOUS, SECRET])).toBe(true);
  });
});
