import { createHash } from 'node:crypto';

import { hexFor } from './ids';

/**
 * The bytes behind a simulated media id: derived from the id alone, so the
 * oracle (generate) and the fake Graph API (send time) agree without sharing
 * state. 1–8 KB, so downloads stay cheap at any run size.
 */
export function mediaBytes(mediaId: string): Buffer {
  const seed = createHash('sha256').update(`sim-media\0${mediaId}`).digest();
  const size = 1024 + ((seed[0] ?? 0) % 8) * 1024 - ((seed[1] ?? 0) % 97);
  const chunks: Buffer[] = [];
  let block = seed;
  for (let n = 0; n < size; n += block.length) {
    chunks.push(block);
    block = createHash('sha256').update(block).digest();
  }
  return Buffer.concat(chunks).subarray(0, size);
}

export const sha256Hex = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

/** Meta's webhooks carry the media hash as base64. */
export const sha256Base64 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('base64');

/** The bearer token the run's tenants use for the Graph API (INBOUND_GRAPH_CONFIG) and the fake accepts. */
export const graphTokenFor = (runId: string): string => `sim-graph-${hexFor(runId, 'graph-token', 32)}`;

export const GRAPH_VERSION = 'v23.0';

/** INBOUND_GRAPH_CONFIG for inbound-reply: every tenant of the run against the fake Graph API at `baseUrl`. */
export function inboundGraphConfig(runId: string, tenantIds: readonly string[], baseUrl: string): string {
  const accessToken = graphTokenFor(runId);
  return JSON.stringify(Object.fromEntries(tenantIds.map((id) => [id, { accessToken, baseUrl, version: GRAPH_VERSION }])));
}
