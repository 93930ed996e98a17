/** What the intake decided about one request; the controller maps it to HTTP. */
export type IntakeOutcome =
  | { kind: 'accepted'; tenants: string[]; deliveryId: string }
  | { kind: 'bad-signature'; tenantId?: string }
  | { kind: 'unknown-tenant' }
  | { kind: 'malformed'; message: string }
  /** Our fault, never the sender's: Meta retries a 503. `secrets`: the tenant's app secret cannot be decrypted here; `memory`: too many bytes in flight. */
  | { kind: 'unavailable'; reason: 'timeout' | 'overloaded' | 'broker' | 'secrets' | 'memory'; message: string };

/** Outcomes decided before a body is read; both ways in (fast path, Fastify routes) share them, so they answer alike. */
export const UNKNOWN_TENANT: IntakeOutcome = Object.freeze({ kind: 'unknown-tenant' });
export const MEMORY_EXHAUSTED: IntakeOutcome = Object.freeze({ kind: 'unavailable', reason: 'memory', message: 'too many request bytes in flight' });
/** An unexpected exception is our fault too: a 503 Meta retries, never a 4xx it would drop. */
export const INTERNAL_FAILURE: IntakeOutcome = Object.freeze({ kind: 'unavailable', reason: 'broker', message: 'internal failure' });

export type HandshakeOutcome = { kind: 'ok'; challenge: string } | { kind: 'forbidden' } | { kind: 'unknown-tenant' };

export interface HandshakeQuery {
  'hub.mode'?: string;
  'hub.verify_token'?: string;
  'hub.challenge'?: string;
}

/** Request context the intake needs besides the body. */
export interface IntakeRequest {
  rawBody: Buffer;
  signatureHeader: string | undefined;
  traceparent: string | undefined;
  receivedAt: Date;
}
