/** What `generate` writes and `send` / `verify` read. Plain JSON, versioned. */

export interface SimTenant {
  id: string;
  /** The tenant's Meta app secret: every POST of its traffic is signed with it. */
  secret: string;
  verifyToken: string;
  wabaId: string;
  phoneNumberId: string;
  displayPhoneNumber: string;
}

export interface GenerateOptions {
  seed: number;
  runId: string;
  tenants: number;
  /** Outbound messages per tenant. */
  messages: number;
  /** Message templates per tenant. */
  templates: number;
  /** Updates per webhook POST: 1..batchMax (Meta batches up to 1000). */
  batchMax: number;
  /** Share of POSTs delivered twice, byte-identical (Meta's retries and fan-out). */
  duplicates: number;
  /** Share of status updates repeated inside another, later POST (re-batched retries). */
  refanout: number;
  /** Updates are shuffled within consecutive windows of this many (Meta does not keep order). */
  reorderWindow: number;
  /** Unix seconds of the first send; Meta's timestamps count from it. */
  baseTime: number;
}

export type DeliveryKind = 'webhook' | 'accepted';

export interface Delivery {
  seq: number;
  kind: DeliveryKind;
  tenantId: string;
  /** The exact bytes to POST (webhooks: what Meta signs). */
  body: string;
  /** Status and template updates (webhook) or sends (accepted) inside. */
  updates: number;
  /** For a duplicate: the seq of the delivery it repeats. */
  copyOf?: number;
}

export interface Plan {
  version: 1;
  options: GenerateOptions;
  tenants: SimTenant[];
  deliveries: Delivery[];
}

export type FinalStatus = 'accepted' | 'sent' | 'delivered' | 'read' | 'failed';

export interface OracleMessage {
  tenantId: string;
  wamid: string;
  internalMessageId: string;
  recipient: string;
  status: FinalStatus;
  /** Error codes of the failure (empty unless failed). */
  errorCodes: number[];
  /** The fallback trigger's action for a failure; null: nothing decided (not failed). */
  fallbackAction: string | null;
}

export interface OracleTemplate {
  tenantId: string;
  wabaId: string;
  name: string;
  /** Meta's `en_US` form, as the template monitor normalises it. */
  language: string;
  status: string;
}

export interface OracleSms {
  tenantId: string;
  wamid: string;
  to: string;
}

/** The expected end state once every delivery was processed, whatever the order. */
export interface Oracle {
  version: 1;
  seed: number;
  runId: string;
  tenants: string[];
  messages: OracleMessage[];
  templates: OracleTemplate[];
  /** Exactly the messages that must get one SMS fallback each. */
  smsFallbacks: OracleSms[];
  totals: {
    messages: number;
    byStatus: Record<string, number>;
    byErrorCode: Record<string, number>;
    templatesByStatus: Record<string, number>;
    smsFallbacks: number;
    deliveries: number;
    webhookDeliveries: number;
    acceptedDeliveries: number;
    duplicateDeliveries: number;
  };
}

/** API keys and secrets of provisioned tenants (written by `send`, read by `verify`). */
export interface Credentials {
  runId: string;
  tenants: Array<{ id: string; apiKey: string }>;
}
