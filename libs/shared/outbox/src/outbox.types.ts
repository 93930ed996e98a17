/** A message to publish once the transaction that decided it has committed. */
export interface OutboxMessage {
  tenantId: string;
  topic: string;
  key: string;
  payload: unknown;
  /** Consumers deduplicate on it: the relay delivers at least once. */
  idempotencyKey: string;
  headers?: Record<string, string>;
}

export const OUTBOX_IDEMPOTENCY_HEADER = 'wahooks-idempotency-key';
