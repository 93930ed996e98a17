import { createHash } from 'node:crypto';

/**
 * Identifiers derived from the run id, so two runs never collide in a shared
 * database while the seed alone decides the shape of the traffic.
 */
export function digitsFor(runId: string, label: string, length: number): string {
  const hash = createHash('sha256').update(`${runId}\0${label}`).digest();
  let out = String((hash[0] ?? 1) % 9 + 1);
  for (let i = 1; out.length < length; i++) out += String((hash[i % hash.length] ?? 0) % 10);
  return out;
}

export function hexFor(runId: string, label: string, length: number): string {
  return createHash('sha256').update(`${runId}\0${label}`).digest('hex').slice(0, length);
}

/** A wamid shaped like Meta's: `wamid.` + base64 (which may contain `+`, `/` and `=`). */
export function wamidFor(runId: string, tenantId: string, index: number): string {
  const inner = createHash('sha256').update(`${runId}\0${tenantId}\0${index}`).digest().subarray(0, 27);
  return `wamid.HBgL${Buffer.concat([Buffer.from(`${index}:`), inner]).toString('base64')}`;
}

export const RUN_ID = /^[a-z0-9][a-z0-9-]{0,40}$/;

/** An inbound message's wamid: the same shape, from another namespace than outbound ones. */
export const inboundWamidFor = (runId: string, tenantId: string, index: number): string => wamidFor(runId, `${tenantId}\0inbound`, index);
