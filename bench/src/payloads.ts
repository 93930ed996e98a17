import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

import { signMetaBody } from '@wahooks/meta-contract';

import { fixturesDir } from './paths';

export interface SignedPayload {
  name: string;
  body: Buffer;
  signature: string;
}

export interface PayloadSet {
  payloads: SignedPayload[];
  meanBytes: number;
  statuses: number;
  messages: number;
}

/** Realistic deliveries: "messages" field envelopes (inbound messages and statuses) of 1.2–2.6 kB, as on disk. */
const MIN_BYTES = 1200;
const MAX_BYTES = 2600;

interface Change {
  field?: string;
  value?: { statuses?: unknown[]; messages?: unknown[] };
}

function walk(dir: string, out: string[]): string[] {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path, out);
    else if (name.endsWith('.json') && name !== 'MANIFEST.json') out.push(path);
  }
  return out;
}

/**
 * Loads the Meta webhook fixtures and signs each body once with the bench
 * tenant's app secret, so the load generator only replays bytes.
 */
export function loadSignedPayloads(secret: string, dir = fixturesDir()): PayloadSet {
  const payloads: SignedPayload[] = [];
  let statuses = 0;
  let messages = 0;
  for (const path of walk(dir, [])) {
    const body = readFileSync(path);
    if (body.length < MIN_BYTES || body.length > MAX_BYTES) continue;
    const change = (JSON.parse(body.toString('utf8')) as { entry?: Array<{ changes?: Change[] }> }).entry?.[0]?.changes?.[0];
    if (change?.field !== 'messages') continue;
    if (change.value?.statuses) statuses += 1;
    else if (change.value?.messages) messages += 1;
    else continue;
    payloads.push({ name: relative(dir, path), body, signature: signMetaBody(body, secret) });
  }
  if (payloads.length === 0) throw new Error(`no webhook fixtures of ${MIN_BYTES}-${MAX_BYTES} bytes under ${dir}`);
  const meanBytes = payloads.reduce((sum, p) => sum + p.body.length, 0) / payloads.length;
  return { payloads, meanBytes, statuses, messages };
}
