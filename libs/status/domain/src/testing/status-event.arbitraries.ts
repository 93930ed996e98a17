import fc from 'fast-check';

import type { AcceptedEvent, ConversionEvent, MessageEvent, MetaStatusEvent, StatusEvent, UnknownStatusEvent } from '../status-event.types';
import { CBP_SERVICE, NOT_ON_WHATSAPP, PMP_MARKETING, T0, WAMID } from './status-event.builders';

/*
 * Events of one message, drawn from small pools on purpose: few eventIds per
 * status so that copies collide (exact duplicates and conflicting ones), few
 * seconds so that ties in time are common, and every optional field
 * sometimes missing.
 */

const seconds = fc.option(fc.integer({ min: 0, max: 8 }).map((offset) => T0 + offset), { nil: undefined, freq: 8 });
const copy = fc.integer({ min: 0, max: 2 });
const arrivalSeq = fc.nat({ max: 1_000 });
const optional = <T>(value: fc.Arbitrary<T>) => fc.option(value, { nil: undefined });

const FREE_ENTRY_POINT = { billable: false, pricingModel: 'PMP', type: 'free_entry_point', category: 'service' };
const LIMITED = { code: 131049, title: 'limit', message: undefined, details: undefined, href: undefined };

const pricing = optional(fc.constantFrom(PMP_MARKETING, CBP_SERVICE, FREE_ENTRY_POINT));
const errors = fc.subarray([NOT_ON_WHATSAPP, LIMITED]);
const recipient = fc.record({
  id: optional(fc.constantFrom('16505551234', '16505550000')),
  userId: optional(fc.constant('US.1')),
});
const conversation = fc.record({
  id: fc.constant('c1'),
  expirationTimestamp: optional(fc.constant(T0 + 86_400)),
  originType: fc.constant('utility'),
});

const metaFields = {
  arrivalSeq,
  wamid: fc.constant(WAMID),
  timestamp: seconds,
  recipient,
  conversation: optional(conversation),
  pricing,
  bizOpaqueCallbackData: optional(fc.constant('campaign-7')),
};

const metaStatus: fc.Arbitrary<MetaStatusEvent> = fc
  .record({ status: fc.constantFrom('sent', 'delivered', 'read', 'played', 'failed'), copy, ...metaFields, errors })
  .map(({ copy: n, ...event }) => ({
    ...event,
    eventId: `${event.status}:${n}`,
    errors: event.status === 'failed' ? event.errors : [],
  }));

const unknownStatus: fc.Arbitrary<UnknownStatusEvent> = fc
  .record({ rawStatus: fc.constantFrom('deleted', 'warning'), copy, ...metaFields })
  .map(({ copy: n, ...event }) => ({ ...event, status: 'unknown', eventId: `${event.rawStatus}:${n}`, errors: [] }));

const acceptedEvent: fc.Arbitrary<AcceptedEvent> = fc
  .record({ copy, arrivalSeq, internalMessageId: fc.constantFrom('msg-1', 'msg-2'), atMs: fc.integer({ min: 0, max: 9_000 }) })
  .map(({ copy: n, atMs, ...event }) => ({
    ...event,
    status: 'accepted',
    eventId: `accepted:${n}`,
    wamid: WAMID,
    tenantId: 'tenant-a',
    phoneNumberId: '106540352242922',
    recipient: '16505551234',
    template: { name: 'order_update', language: 'en_US' },
    requestBody: { to: '16505551234', nested: { keys: ['a', 'b'] } },
    responseBody: { messages: [{ id: WAMID }] },
    atMs: T0 * 1000 + atMs,
  }));

export const statusEvent: fc.Arbitrary<StatusEvent> = fc.oneof(
  { arbitrary: metaStatus, weight: 6 },
  { arbitrary: acceptedEvent, weight: 2 },
  { arbitrary: unknownStatus, weight: 1 },
);

export const statusEvents = fc.array(statusEvent, { maxLength: 14 });

/**
 * A history, plus the same history reordered and with some events delivered
 * again later (a higher arrivalSeq, keys in another order, as after a trip
 * through JSON from another producer).
 */
export const reorderedWithDuplicates = statusEvents.chain((events) =>
  fc.record({
    events: fc.constant(events),
    replay: fc
      .tuple(fc.shuffledSubarray(events, { minLength: events.length }), fc.subarray(events))
      .chain(([all, again]) =>
        fc.shuffledSubarray([...all, ...again.map(laterCopy)], { minLength: all.length + again.length }),
      ),
  }),
);

function laterCopy(event: StatusEvent): StatusEvent {
  const reversedKeys = Object.fromEntries(Object.entries(event).reverse()) as StatusEvent;
  return { ...reversedKeys, arrivalSeq: event.arrivalSeq + 10_000 };
}

/*
 * Conversions of the same message: a lead and a purchase, each with copies
 * re-stamped in time (meta-contract leaves the timestamp out of their key),
 * sometimes without a time, a click id or custom data.
 */
const conversion: fc.Arbitrary<ConversionEvent> = fc
  .record({
    eventName: fc.constantFrom('LeadSubmitted', 'Purchase', 'AddToCart'),
    atMs: fc.option(fc.integer({ min: 0, max: 8 }).map((offset) => (T0 + offset) * 1000), { nil: undefined, freq: 6 }),
    ctwaClid: optional(fc.constant('Afc3nYt4TTydumlFFsatFz8bR2yHCtVA92Veu')),
  })
  .map(({ eventName, atMs, ctwaClid }) => ({
    type: 'conversion',
    eventId: `conversion:${eventName}`,
    wamid: WAMID,
    kind: eventName === 'Purchase' ? 'purchase' : eventName === 'LeadSubmitted' ? 'lead' : 'unknown',
    eventName,
    atMs,
    ctwaClid,
    currency: eventName === 'Purchase' ? 'USD' : undefined,
    value: eventName === 'Purchase' ? 25_000 : undefined,
  }));

export const messageEvent: fc.Arbitrary<MessageEvent> = fc.oneof({ arbitrary: statusEvent, weight: 3 }, { arbitrary: conversion, weight: 1 });

export const messageEvents = fc.array(messageEvent, { maxLength: 16 });

/** As `reorderedWithDuplicates`, with conversions among the statuses. */
export const reorderedMessageEvents = messageEvents.chain((events) =>
  fc.record({
    events: fc.constant(events),
    replay: fc
      .tuple(fc.shuffledSubarray(events, { minLength: events.length }), fc.subarray(events))
      .chain(([all, again]) =>
        fc.shuffledSubarray([...all, ...again.map((e) => ('type' in e ? e : laterCopy(e)))], { minLength: all.length + again.length }),
      ),
  }),
);
