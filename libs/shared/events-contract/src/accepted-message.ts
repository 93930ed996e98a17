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
