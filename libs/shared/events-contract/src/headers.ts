/**
 * Kafka header names carried on every record of whatsapp.webhooks.raw.v1.
 * Consumers read provenance from here, never from the body.
 */
export const RawHeaders = {
  tenantId: 'wahooks-tenant-id',
  receivedAt: 'wahooks-received-at',
  /** sha256 (hex) of the exact bytes Meta signed: the same POST retried by Meta gets the same id. */
  deliveryId: 'wahooks-delivery-id',
  /** The X-Hub-Signature-256 header as Meta sent it. */
  signature: 'x-hub-signature-256',
  /** "tenant-url" (per-tenant Meta app) or "platform-url" (shared app, split per tenant). */
  route: 'wahooks-route',
  /** For platform-url splits: the original raw body, kept for audit (the value is the tenant's part). */
  originalBody: 'wahooks-original-body',
  /** The intake's HMAC over tenant and body (`v1=<hex>`): consumers accept a raw record only with it (RecordProof). */
  intakeProof: 'wahooks-intake-proof',
  /**
   * What the record carries (meta-contract's contentLabel: `messages:statuses`,
   * `message_template_status_update`…): consumers skip records they have no use
   * for without parsing them. Absent on records written before it existed.
   */
  content: 'wahooks-content',
  /** W3C trace context. */
  traceparent: 'traceparent',
  schemaVersion: 'wahooks-schema-version',
} as const;

export const RAW_SCHEMA_VERSION = '1';

export type RawRoute = 'tenant-url' | 'platform-url';
