import { randomBytes } from 'node:crypto';

import { sha256Hex } from './secret-box';

/**
 * API keys look like `whk_<prefix>_<secret>`. The prefix (public, unique)
 * finds the row; only sha256(secret) is stored. A slow hash buys nothing
 * here: the secret is 256 random bits, not a password.
 */
export interface IssuedApiKey {
  prefix: string;
  secretHash: string;
  plaintext: string;
}

export function issueApiKey(): IssuedApiKey {
  const prefix = randomBytes(6).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  return { prefix, secretHash: sha256Hex(secret), plaintext: `whk_${prefix}_${secret}` };
}

export function parseApiKey(value: string): { prefix: string; secret: string } | undefined {
  const match = /^whk_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/.exec(value);
  return match ? { prefix: match[1] as string, secret: match[2] as string } : undefined;
}
