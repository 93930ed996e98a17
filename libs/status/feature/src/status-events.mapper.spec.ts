import { normalizeEnvelope } from '@wahooks/meta-contract';
import { project } from '@wahooks/status-domain';

import { fromAdConversion, isMessageConversion, isStatus, jsonSafe, toConversionEvent } from './status-events.mapper';

/**
 * Meta's purchase example,
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/automatic_events
 * (as quoted in libs/shared/meta-contract/src/ad-conversions.spec.ts), beside an item without `id`.
 */
const PURCHASE = {
  id: 'wamid.HBgLMTIwNjY3NzQ3OTgVAgARGBIwRkU4NDI5Nzk3RjZDMzE2RUMA',
  event_name: 'Purchase',
  timestamp: 1749069131,
  ctwa_clid: 'Afc3nYt4TTydumlFFsatFz8bR2yHCtVA92Veu_zDE4DgAI-QqCwM6eC3-K3lTGHRiLxRTVXFEsdyKQQSa-2obZyuGBq_EYypt_OwbMihBV0pbUoRmrGnEjwFTHop-Px0TfA',
  custom_data: { currency: 'USD', value: 25000 },
};
const envelope = (items: unknown[]) => ({
  object: 'whatsapp_business_account',
  entry: [
    {
      id: '102290129340398',
      changes: [{ field: 'automatic_events', value: { messaging_product: 'whatsapp', metadata: { display_phone_number: '15550783881', phone_number_id: '106540352242922' }, automatic_events: items } }],
    },
  ],
});

describe('conversions for the status projector', () => {
  const events = normalizeEnvelope(envelope([PURCHASE, { event_name: 'Purchase', timestamp: 1749069131, custom_data: { currency: 'USD', value: 1000 } }]));

  it('keeps a conversion that names its message, and leaves one without a wamid (and anything else) to the raw topic', () => {
    expect(events.map((e) => e.kind)).toEqual(['ad.conversion', 'ad.conversion']);
    expect(events.filter(isMessageConversion).map((e) => e.wamid)).toEqual([PURCHASE.id]);
    expect(events.some(isStatus)).toBe(false);
  });

  it('stores the meaning and where Meta said it, and folds back to the read model’s fields', () => {
    const e = events.filter(isMessageConversion)[0]!;
    const stored = fromAdConversion(e);
    expect(stored).toEqual({
      type: 'conversion',
      wamid: PURCHASE.id,
      kind: 'purchase',
      eventName: 'Purchase',
      atMs: 1_749_069_131_000,
      ctwaClid: PURCHASE.ctwa_clid,
      currency: 'USD',
      value: 25000,
      wabaId: '102290129340398',
      phoneNumberId: '106540352242922',
    });
    const domain = toConversionEvent({ data: jsonSafe(stored), idempotencyKey: e.idempotencyKey });
    expect(domain).toEqual({ type: 'conversion', eventId: e.idempotencyKey, wamid: PURCHASE.id, kind: 'purchase', eventName: 'Purchase', atMs: 1_749_069_131_000, ctwaClid: PURCHASE.ctwa_clid, currency: 'USD', value: 25000 });
    expect(project([domain]).conversions).toEqual([domain]);
  });

  it('reads a lead without custom data and the App Dashboard’s lower-case sample without a click id', () => {
    const [lead, sample] = normalizeEnvelope(
      envelope([
        { id: 'wamid.HBgLMTIwNjY3NzQ3OTgVAgASGBQzQUY3MDVCQzFBODE5ODU4MUZEOQA=', event_name: 'LeadSubmitted', timestamp: 1749069089, ctwa_clid: 'x' },
        { id: 'ABGGFlA5Fpa', event_name: 'purchase', timestamp: 1504902988 },
      ]),
    ).filter(isMessageConversion);
    expect(jsonSafe(fromAdConversion(lead!))).toMatchObject({ kind: 'lead', eventName: 'LeadSubmitted', ctwaClid: 'x' });
    expect(jsonSafe(fromAdConversion(lead!))).not.toHaveProperty('value');
    expect(fromAdConversion(sample!)).toMatchObject({ kind: 'purchase', eventName: 'purchase', ctwaClid: undefined, currency: undefined });
  });
});
