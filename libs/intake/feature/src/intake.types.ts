/** What the intake decided about one request; the controller maps it to HTTP. */
export type IntakeOutcome =
  | { kind: 'accepted'; tenants: string[]; deliveryId: string }
  | { kind: 'bad-signature'; tenantId?: string }
  | { kind: 'unknown-tenant' }
  | { kind: 'malformed'; message: string }
  /** Our fault, never the sender's: Meta retries a 503. `secrets`: the tenant's app secret cannot be decrypted here; `memory`: too many bytes in flight. */
  | { kind: 'unavailable'; reason: 'timeout' | 'overloaded' | 'broker' | 'secrets' | 'memory'; message: string };

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
