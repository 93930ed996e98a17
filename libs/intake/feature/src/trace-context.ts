import { randomFillSync } from 'node:crypto';

const TRACEPARENT = /^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/;

/**
 * W3C trace context: keep the caller's traceparent when it is well formed,
 * otherwise start a trace here so every record can be correlated downstream.
 */
export function traceparentFor(incoming: string | undefined): string {
  if (incoming && TRACEPARENT.test(incoming) && !incoming.startsWith('ff')) return incoming;
  return `00-${randomHex(16)}-${randomHex(8)}-01`;
}

// Random bytes drawn from a pool refilled 4 KiB at a time: a synchronous
// randomBytes call per request was ~10% of the intake's CPU at full load.
const pool = Buffer.alloc(4096);
let offset = pool.length;

function randomHex(bytes: number): string {
  if (offset + bytes > pool.length) {
    randomFillSync(pool);
    offset = 0;
  }
  const hex = pool.toString('hex', offset, offset + bytes);
  offset += bytes;
  return hex;
}
