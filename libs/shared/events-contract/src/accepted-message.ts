import { z } from 'zod';

/**
 * `whatsapp.messages.accepted.v1` (and `POST /v1/messages/accepted`): an
 * internal sender records that Meta's send API accepted a message, so its
 * timeline starts at "accepted". Key = tenant id.
 */
export const acceptedMessageV1 = z.object({
  internalMessageId: z.string().min(1).max(200),
  wamid: z.string().min(1).max(300),
  phoneNumberId: z.string().min(1).max(64),
  /** The `to` of the send request: a phone number or a BSUID. */
  recipient: z.string().min(1).max(300),
  template: z.object({ name: z.string().min(1), language: z.string().min(1) }).optional(),
  request: z.unknown().optional(),
  response: z.unknown().optional(),
  /** When Meta answered the send request (ISO-8601); defaults to when we recorded it. */
  acceptedAt: z.iso.datetime({ offset: true }).optional(),
});

export type AcceptedMessageV1 = z.output<typeof acceptedMessageV1>;

/** `whatsapp.message-status.v1`: a message's current status moved. */
export interface StatusChangedV1 {
  schemaVersion: 1;
  tenantId: string;
  wamid: string;
  internalMessageId: string | null;
  from: string | null;
  to: string;
  recipient: string | null;
  errorCodes: number[];
  /** Global position of the event that caused the change. */
  causedByPosition: string;
  occurredAt: string | null;
}

/**
 * `whatsapp.conversions.v1`: Meta detected a lead or a purchase in a message
 * of a chat a click-to-WhatsApp ad started (`automatic_events`). One per
 * conversion (header `wahooks-idempotency-key` = `conversion:<conversionId>`);
 * what a Conversions API reporter needs, beside the message it happened in.
 */
export interface ConversionDetectedV1 {
  schemaVersion: 1;
  tenantId: string;
  /** The idempotency key of the conversion: (WABA, wamid, event name). */
  conversionId: string;
  wamid: string;
  /** Our send-side id, when the message was accepted before the conversion was folded. */
  internalMessageId: string | null;
  wabaId: string | null;
  phoneNumberId: string | null;
  kind: 'lead' | 'purchase' | 'unknown';
  /** Meta's `event_name`, verbatim (`LeadSubmitted`, `Purchase`). */
  eventName: string;
  occurredAt: string | null;
  /** The ad click id, the Conversions API match key; null for Status ads. */
  ctwaClid: string | null;
  currency: string | null;
  /** As Meta sends it: the price multiplied by 1000. */
  value: number | null;
  /** `value / 1000`. */
  amount: number | null;
}
