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
  /** Customers writing to each tenant's number. */
  customers: number;
  /** Inbound customer messages per tenant. */
  inbound: number;
  /** Phone-number and account events per tenant. */
  accountEvents: number;
  /** Share of webhook POSTs sent to the shared platform URL instead of the tenant's. */
  platformShare: number;
}

/** `webhook`: the tenant's URL; `platform`: the shared URL, signed with the platform app's secret. */
export type DeliveryKind = 'webhook' | 'platform' | 'accepted';

export interface Delivery {
  seq: number;
  kind: DeliveryKind;
  /** `platform` for a platform delivery (its tenants are in `tenants`). */
  tenantId: string;
  /** Platform deliveries: every tenant with an entry inside, in entry order. */
  tenants?: string[];
  /** The exact bytes to POST (webhooks: what Meta signs). */
  body: string;
  /** Webhook updates (statuses, messages, template and account events) or sends (accepted) inside. */
  updates: number;
  /** For a duplicate: the seq of the delivery it repeats. */
  copyOf?: number;
}

export interface Plan {
  version: 2;
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

/** One inbound customer message as inbound-reply must keep it (GET /v1/inbound/messages/:wamid). */
export interface OracleInbound {
  tenantId: string;
  wamid: string;
  phoneNumberId: string;
  /** The customer's key in `contacts` (wa_id, else BSUID), as first written. */
  customer: string;
  /** Meta's timestamp, ISO. */
  timestamp: string;
  wireType: string;
  /** The normalized type (`unknown` wire type: `unsupported`; types nobody models: `unknown`). */
  type: string;
  /** Everything but `system` (re)opens the 24-hour window. */
  opensWindow: boolean;
  /** Members `content` must have (a subset: arrays element by element). */
  content: Record<string, unknown>;
  /** `context.id` and the internal id of our outbound message it names (null: not one of ours). */
  replyTo: { wamid: string; internalMessageId: string | null } | null;
  /** `context.forwarded` / `context.frequently_forwarded`. */
  forwarded: boolean;
  frequentlyForwarded: boolean;
  /** A click-to-WhatsApp ad (`ctwaClid`) opens a 72-hour free entry point; a post does not. */
  referral: { sourceType: string; ctwaClid: string | null } | null;
  errorCodes: number[];
  /** Downloaded from the (fake) Graph API and stored: the bytes' sha256 (hex) and size. */
  media: { id: string; mimeType: string; sha256: string; sizeBytes: number } | null;
}

/** A conversation (tenant, business number, customer) and its windows. */
export interface OracleConversation {
  tenantId: string;
  phoneNumberId: string;
  customer: string;
  messageCount: number;
  /** Wamids in (Meta time, wamid) order. */
  wamids: string[];
  /** Latest window-opening message (ISO), and 24 h later; null if only system notices. */
  lastInboundAt: string | null;
  windowExpiresAt: string | null;
  /** Latest click-to-WhatsApp ad message + 72 h; null without one. */
  freeEntryPointExpiresAt: string | null;
}

export interface OracleContact {
  tenantId: string;
  /** The first identity the contact was seen with: `wa:<wa_id>`, else `bsuid:<user id>`. */
  contactId: string;
  /** Every value the contacts API must resolve to this contact (wa_ids, the new number, BSUID). */
  lookups: string[];
  waId: string | null;
  userId: string | null;
  profileName: string | null;
  /** Every profile name seen, sorted. */
  profileNames: string[];
  /** `wa:` and `bsuid:` identities, sorted. */
  identities: string[];
  numberChanges: Array<{ fromWaId: string; toWaId: string }>;
  identityChanges: number;
}

/** A messaging limit as Meta sent it (`TIER_2K` or 2000). */
export type RawLimit = string | number;

export interface OraclePhoneNumber {
  tenantId: string;
  wabaId: string;
  displayPhoneNumber: string;
  qualityEvent: string | null;
  flagged: boolean;
  limit: RawLimit | null;
  previousLimit: RawLimit | null;
  name: { decision: string; requestedVerifiedName: string; rejectionReason: string | null } | null;
}

export interface OracleAccount {
  tenantId: string;
  wabaId: string;
  lastUpdate: string | null;
  restrictions: Array<{ type: string; expiration: number }>;
  violation: string | null;
  ban: { state: string; date: string } | null;
  review: string | null;
  capability: { maxDailyConversationsPerBusiness: RawLimit | null; maxDailyConversationPerPhone: RawLimit | null; maxPhoneNumbersPerBusiness: number | null } | null;
}

/** The expected end state once every delivery was processed, whatever the order. */
export interface Oracle {
  version: 2;
  seed: number;
  runId: string;
  tenants: string[];
  messages: OracleMessage[];
  templates: OracleTemplate[];
  /** Exactly the messages that must get one SMS fallback each. */
  smsFallbacks: OracleSms[];
  inbound: OracleInbound[];
  conversations: OracleConversation[];
  contacts: OracleContact[];
  phoneNumbers: OraclePhoneNumber[];
  accounts: OracleAccount[];
  totals: {
    messages: number;
    byStatus: Record<string, number>;
    byErrorCode: Record<string, number>;
    templatesByStatus: Record<string, number>;
    smsFallbacks: number;
    inbound: number;
    inboundByType: Record<string, number>;
    inboundMedia: number;
    conversations: number;
    contacts: number;
    accountEvents: number;
    deliveries: number;
    webhookDeliveries: number;
    platformDeliveries: number;
    /** Platform POSTs carrying entries of two or more tenants. */
    multiTenantDeliveries: number;
    acceptedDeliveries: number;
    duplicateDeliveries: number;
  };
}

/** API keys and secrets of provisioned tenants (written by `send`, read by `verify`). */
export interface Credentials {
  runId: string;
  tenants: Array<{ id: string; apiKey: string }>;
}
