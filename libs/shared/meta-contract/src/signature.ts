import { createHmac, timingSafeEqual } from 'node:crypto';

/** The header Meta signs POST bodies with (lower-cased, as Node exposes it). */
export const META_SIGNATURE_HEADER = 'x-hub-signature-256';

// Meta documents lowercase hex; anything else is not a Meta signature, so it
// is refused instead of being normalised into one.
const HEADER = /^sha256=([0-9a-f]{64})$/;

/**
 * True when `header` is the HMAC-SHA256 of the exact `rawBody` bytes under any
 * of `secrets` (two are active while an app secret rotates).
 *
 * The bytes must be the ones received: Meta signs its escaped-unicode
 * serialisation, so a parse and re-serialise changes the hash. Empty secrets
 * are skipped, because an HMAC keyed with "" is a signature anyone can forge
 * and a blank secret is a configuration slip, not a credential.
 */
export function verifyMetaSignature(rawBody: Buffer, header: string | undefined, secrets: readonly string[]): boolean {
  if (typeof header !== 'string') return false;
  const match = HEADER.exec(header);
  if (!match?.[1]) return false;
  const received = Buffer.from(match[1], 'hex');
  let valid = false;
  // Every secret is tried even after a match, so the time taken does not
  // reveal which secret of a rotation pair signed the body.
  for (const secret of secrets) {
    if (secret === '') continue;
    const expected = createHmac('sha256', secret).update(rawBody).digest();
    if (expected.length === received.length && timingSafeEqual(expected, received)) valid = true;
  }
  return valid;
}

/** The full header value Meta would send for `rawBody` (used by tests, the simulator and the bench). */
export function signMetaBody(rawBody: Buffer | string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(rawBody).digest('hex')}`;
}
