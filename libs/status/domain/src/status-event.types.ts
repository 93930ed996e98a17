/**
 * The inputs of the status state machine: what our send side says it sent
 * (`accepted`) and what Meta says happened next. Deliberately our own small
 * shapes, not the meta-contract's: the projector maps the parsed webhook
 * events into these, so this lib never changes when Meta's parsing does.
 * The value objects are structurally identical to meta-contract's, so the
 * mapping passes them through.
 */

/** Statuses Meta sends today (contract §7). `played`: first play of a voice message. */
export type MetaStatus = 'sent' | 'delivered' | 'read' | 'played' | 'failed';

/** Every status the state machine knows; `accepted` is ours, the rest are Meta's. */
export type TrackedStatus = 'accepted' | MetaStatus;

/** Fields every event carries, whatever its source. */
export interface EventIdentity {
  /**
   * Idempotency key: two copies with the same id are the same event (Meta's
   * retries and multi-app fan-out, our own redeliveries).
   */
  readonly eventId: string;
  /**
   * Where this copy arrived in our own log (event-store position, offset…).
   * Not part of the event's meaning: copies that differ only here are exact
   * duplicates, and the state keeps the smallest, i.e. the first arrival.
   */
  readonly arrivalSeq: number;
}

export interface TemplateRef {
  readonly name: string;
  readonly language: string;
}

/** Our send side's acknowledgement: Meta's send API answered with a wamid. */
export interface AcceptedEvent extends EventIdentity {
  readonly status: 'accepted';
  readonly wamid: string;
  readonly tenantId: string;
  readonly internalMessageId: string;
  readonly phoneNumberId: string;
  /** The `to` we sent to: a phone number or a BSUID. */
  readonly recipient: string;
  readonly template: TemplateRef | undefined;
  /** JSON bodies of the send request and Meta's response, kept for audit. */
  readonly requestBody: unknown;
  readonly responseBody: unknown;
  /** Epoch milliseconds on our clock (Meta's statuses are whole seconds on theirs). */
  readonly atMs: number;
}

export interface StatusRecipient {
  /** `recipient_id`: phone-based; absent for BSUID-only users. */
  readonly id: string | undefined;
  /** `recipient_user_id`: business-scoped user id (BSUID). */
  readonly userId: string | undefined;
}

export interface StatusConversation {
  readonly id: string | undefined;
  readonly expirationTimestamp: number | undefined;
  readonly originType: string | undefined;
}

export interface StatusPricing {
  /** Deprecated by Meta in favour of `type` + `category`. */
  readonly billable: boolean | undefined;
  /** `CBP` before 1 July 2025, `PMP` after. */
  readonly pricingModel: string | undefined;
  readonly type: string | undefined;
  readonly category: string | undefined;
}

export interface StatusError {
  readonly code: number | undefined;
  readonly title: string | undefined;
  readonly message: string | undefined;
  readonly details: string | undefined;
  readonly href: string | undefined;
}

interface MetaStatusFields extends EventIdentity {
  readonly wamid: string;
  /** Unix seconds, as Meta sends it; `undefined` when Meta's payload lacked a usable one. */
  readonly timestamp: number | undefined;
  readonly recipient: StatusRecipient;
  readonly conversation: StatusConversation | undefined;
  readonly pricing: StatusPricing | undefined;
  readonly errors: readonly StatusError[];
  readonly bizOpaqueCallbackData: string | undefined;
}

export interface MetaStatusEvent extends MetaStatusFields {
  readonly status: MetaStatus;
}

/**
 * A status string we do not know (a future one, or an On-Premises leftover
 * such as `deleted`). Kept in the timeline and flagged, never interpreted:
 * guessing its place in the order could move a message backwards.
 */
export interface UnknownStatusEvent extends MetaStatusFields {
  readonly status: 'unknown';
  readonly rawStatus: string;
}

/** Discriminated on `status`. */
export type StatusEvent = AcceptedEvent | MetaStatusEvent | UnknownStatusEvent;

/** What Meta says the conversation turned into: `LeadSubmitted`, `Purchase`, or a name we do not know yet. */
export type ConversionKind = 'lead' | 'purchase' | 'unknown';

/**
 * `automatic_events`: Meta detected a lead or a purchase in a chat that a
 * click-to-WhatsApp ad started, in the message `wamid` names. It is about
 * the message but is not a status: it has no place in the delivery chain
 * and never moves `current`. Only meaning, like the statuses: no position.
 */
export interface ConversionEvent {
  /** Tells it apart from a `StatusEvent` (those are discriminated on `status`). */
  readonly type: 'conversion';
  /** Idempotency key: (WABA, wamid, event name); a retry is the same event. */
  readonly eventId: string;
  readonly wamid: string;
  readonly kind: ConversionKind;
  /** Meta's `event_name`, verbatim. */
  readonly eventName: string;
  /** Meta's `timestamp` in epoch ms; `undefined` when it sent none usable. */
  readonly atMs: number | undefined;
  /** The ad click id (Conversions API match key); absent for Status ads. */
  readonly ctwaClid: string | undefined;
  readonly currency: string | undefined;
  /** As Meta sends it: the price multiplied by 1000 (25000 = 25.00). */
  readonly value: number | undefined;
}

/** Everything the state of one message is folded from. */
export type MessageEvent = StatusEvent | ConversionEvent;

export const isConversion = (event: MessageEvent): event is ConversionEvent => 'type' in event && event.type === 'conversion';

/** For exhaustive switches: a new member becomes a compile error at every switch that misses it. */
export function assertNever(value: never, what = 'value'): never {
  throw new Error(`unhandled ${what}: ${JSON.stringify(value)}`);
}
