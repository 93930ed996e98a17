import { randomBytes } from 'node:crypto';

const TRACEPARENT = /^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/;

/**
 * W3C trace context: keep the caller's traceparent when it is well formed,
 * otherwise start a trace here so every record can be correlated downstream.
 */
export function traceparentFor(incoming: string | undefined): string {
  if (incoming && TRACEPARENT.test(incoming) && !incoming.startsWith('ff')) return incoming;
  return `00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-01`;
}
