/** Builders for spec files: small envelopes in Meta's wire shape. Not exported from the library. */
import { asEnvelope, Envelope } from '../envelope';
import type { MetaEvent, MetaEventKind, MetaEventOf } from '../meta-event.types';
import { normalizeEnvelope } from '../normalize';

export const WABA_ID = '102290129340398';
export const PHONE_NUMBER_ID = '106540352242922';
export const DISPLAY_PHONE_NUMBER = '15550783881';

type Json = Record<string, unknown>;

export function envelopeOf(entries: Json[]): Envelope {
  const parsed = asEnvelope({ object: 'whatsapp_business_account', entry: entries });
  if (!parsed.ok) throw new Error(parsed.error.message);
  return parsed.envelope;
}

export function changeOf(field: string, value: unknown): Json {
  return { field, value };
}

export function entryOf(changes: Json[], options: { id?: string; time?: number } = {}): Json {
  return { id: options.id ?? WABA_ID, ...(options.time === undefined ? {} : { time: options.time }), changes };
}

/** A messaging-field value with Meta's common members around `members`. */
export function messagingValue(members: Json, phoneNumberId = PHONE_NUMBER_ID): Json {
  return {
    messaging_product: 'whatsapp',
    metadata: { display_phone_number: DISPLAY_PHONE_NUMBER, phone_number_id: phoneNumberId },
    ...members,
  };
}

export function normalizeChange(field: string, value: unknown, options: { time?: number } = {}): MetaEvent[] {
  return normalizeEnvelope(envelopeOf([entryOf([changeOf(field, value)], options)]));
}

export function normalizeJson(value: unknown): MetaEvent[] {
  const parsed = asEnvelope(value);
  if (!parsed.ok) throw new Error(parsed.error.message);
  return normalizeEnvelope(parsed.envelope);
}

/** The one event of `kind`; fails the test when there are none or several. */
export function only<K extends MetaEventKind>(events: readonly MetaEvent[], kind: K): MetaEventOf<K> {
  const matching = events.filter((event): event is MetaEventOf<K> => event.kind === kind);
  if (matching.length !== 1) {
    throw new Error(`expected one ${kind} event, got ${matching.length}: ${events.map((e) => e.kind).join(', ')}`);
  }
  return matching[0] as MetaEventOf<K>;
}

/** A message item with Meta's usual members around the type-specific ones. */
export function inbound(type: string, body: Json, extra: Json = {}): Json {
  return { from: '16505551234', id: `wamid.${type}`, timestamp: '1749416383', type, [type]: body, ...extra };
}
