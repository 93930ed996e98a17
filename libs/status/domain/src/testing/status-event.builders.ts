import type { AcceptedEvent, ConversionEvent, MetaStatus, MetaStatusEvent, StatusEvent, UnknownStatusEvent } from '../status-event.types';

/** Test data: one message, sent at T0 (unix seconds) by our send side. */
export const WAMID = 'wamid.HBgLMTY1MDU1NTEyMzQVAgARGBI';
export const T0 = 1_750_000_000;

let seq = 0;
const nextSeq = (): number => (seq += 1);

export function accepted(overrides: Partial<AcceptedEvent> = {}): AcceptedEvent {
  return {
    status: 'accepted',
    eventId: 'accepted:msg-1',
    arrivalSeq: nextSeq(),
    wamid: WAMID,
    tenantId: 'tenant-a',
    internalMessageId: 'msg-1',
    phoneNumberId: '106540352242922',
    recipient: '16505551234',
    template: { name: 'order_update', language: 'en_US' },
    requestBody: { to: '16505551234', type: 'template', template: { name: 'order_update' } },
    responseBody: { messages: [{ id: WAMID }] },
    atMs: T0 * 1000,
    ...overrides,
  };
}

/** A Meta status `offsetSec` seconds after T0; its eventId follows meta-contract's (wamid, status) identity. */
export function meta(status: MetaStatus, offsetSec: number, overrides: Partial<MetaStatusEvent> = {}): MetaStatusEvent {
  return {
    status,
    eventId: `${status}:${WAMID}`,
    arrivalSeq: nextSeq(),
    wamid: WAMID,
    timestamp: T0 + offsetSec,
    recipient: { id: '16505551234', userId: undefined },
    conversation: undefined,
    pricing: undefined,
    errors: [],
    bizOpaqueCallbackData: undefined,
    ...overrides,
  };
}

export function unknown(rawStatus: string, offsetSec: number, overrides: Partial<UnknownStatusEvent> = {}): UnknownStatusEvent {
  return {
    status: 'unknown',
    rawStatus,
    eventId: `${rawStatus}:${WAMID}`,
    arrivalSeq: nextSeq(),
    wamid: WAMID,
    timestamp: T0 + offsetSec,
    recipient: { id: '16505551234', userId: undefined },
    conversation: undefined,
    pricing: undefined,
    errors: [],
    bizOpaqueCallbackData: undefined,
    ...overrides,
  };
}

/** Meta's automatic_events purchase example on this message, `offsetSec` after T0; its eventId follows meta-contract's (wamid, event name). */
export function purchase(offsetSec: number, overrides: Partial<ConversionEvent> = {}): ConversionEvent {
  return {
    type: 'conversion',
    eventId: `Purchase:${WAMID}`,
    wamid: WAMID,
    kind: 'purchase',
    eventName: 'Purchase',
    atMs: (T0 + offsetSec) * 1000,
    ctwaClid: CTWA_CLID,
    currency: 'USD',
    value: 25_000,
    ...overrides,
  };
}

/** Meta's lead example on this message. */
export function lead(offsetSec: number, overrides: Partial<ConversionEvent> = {}): ConversionEvent {
  return { ...purchase(offsetSec), eventId: `LeadSubmitted:${WAMID}`, kind: 'lead', eventName: 'LeadSubmitted', currency: undefined, value: undefined, ...overrides };
}

export const CTWA_CLID = 'Afc3nYt4TTydumlFFsatFz8bR2yHCtVA92Veu_zDE4DgAI-QqCwM6eC3-K3lTGHRiLxRTVXFEsdyKQQSa-2obZyuGBq_EYypt_OwbMihBV0pbUoRmrGnEjwFTHop-Px0TfA';

/** The same event as it would arrive again later (a Meta retry or fan-out copy). */
export function redelivered<E extends StatusEvent>(event: E, laterBy = 1000): E {
  return { ...event, arrivalSeq: event.arrivalSeq + laterBy };
}

export const PMP_MARKETING = { billable: true, pricingModel: 'PMP', type: 'regular', category: 'marketing' } as const;
export const CBP_SERVICE = { billable: true, pricingModel: 'CBP', type: undefined, category: 'service' } as const;

export const NOT_ON_WHATSAPP = {
  code: 131026,
  title: 'Message undeliverable',
  message: 'Message undeliverable',
  details: 'Message failed to send because the recipient is not a WhatsApp user.',
  href: '/documentation/business-messaging/whatsapp/support/error-codes',
} as const;
