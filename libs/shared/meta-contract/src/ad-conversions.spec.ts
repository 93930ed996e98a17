import { normalizeEnvelope } from './normalize';
import {
  changeOf,
  entryOf,
  envelopeOf,
  messagingValue,
  normalizeChange,
  normalizeJson,
  only,
} from './testing/envelope-builders';

const CTWA_CLID =
  'Afc3nYt4TTydumlFFsatFz8bR2yHCtVA92Veu_zDE4DgAI-QqCwM6eC3-K3lTGHRiLxRTVXFEsdyKQQSa-2obZyuGBq_EYypt_' +
  'OwbMihBV0pbUoRmrGnEjwFTHop-Px0TfA';

/**
 * Meta's two examples,
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/automatic_events
 */
const LEAD = {
  id: 'wamid.HBgLMTIwNjY3NzQ3OTgVAgASGBQzQUY3MDVCQzFBODE5ODU4MUZEOQA=',
  event_name: 'LeadSubmitted',
  timestamp: 1749069089,
  ctwa_clid: CTWA_CLID,
};
const PURCHASE = {
  id: 'wamid.HBgLMTIwNjY3NzQ3OTgVAgARGBIwRkU4NDI5Nzk3RjZDMzE2RUMA',
  event_name: 'Purchase',
  timestamp: 1749069131,
  ctwa_clid: CTWA_CLID,
  custom_data: { currency: 'USD', value: 25000 },
};

const envelope = (item: unknown) => ({
  object: 'whatsapp_business_account',
  entry: [
    {
      id: '102290129340398',
      changes: [
        {
          value: {
            messaging_product: 'whatsapp',
            metadata: { display_phone_number: '15550783881', phone_number_id: '106540352242922' },
            automatic_events: [item],
          },
          field: 'automatic_events',
        },
      ],
    },
  ],
});

const conversions = (items: unknown[]) => normalizeChange('automatic_events', messagingValue({ automatic_events: items }));

describe('ad.conversion', () => {
  it('reads Meta’s lead example', () => {
    expect(only(normalizeJson(envelope(LEAD)), 'ad.conversion')).toMatchObject({
      field: 'automatic_events',
      wabaId: '102290129340398',
      phoneNumberId: '106540352242922',
      itemIndex: 0,
      wamid: LEAD.id,
      conversion: 'lead',
      eventName: 'LeadSubmitted',
      timestamp: 1749069089,
      ctwaClid: CTWA_CLID,
      customData: undefined,
      raw: LEAD,
    });
  });

  it('reads Meta’s purchase example, with the value as sent and scaled down by 1000', () => {
    expect(only(normalizeJson(envelope(PURCHASE)), 'ad.conversion')).toMatchObject({
      conversion: 'purchase',
      eventName: 'Purchase',
      customData: { currency: 'USD', value: 25000, amount: 25 },
    });
  });

  it('reads the App Dashboard test payload: lower-case event name, no click id', () => {
    // The "Test" button sample, as pasted into public integrations' tests.
    const event = only(conversions([{ id: 'ABGGFlA5Fpa', event_name: 'purchase', timestamp: 1504902988 }]), 'ad.conversion');
    expect(event).toMatchObject({
      conversion: 'purchase',
      eventName: 'purchase',
      ctwaClid: undefined,
      customData: undefined,
    });
  });

  it('keeps an event name it does not know, and a string amount', () => {
    const custom_data = { currency: 'BRL', value: '1500' };
    const item = { id: 'wamid.x', event_name: 'AddToCart', timestamp: '1749069131', custom_data };
    expect(only(conversions([item]), 'ad.conversion')).toMatchObject({
      conversion: 'unknown',
      eventName: 'AddToCart',
      timestamp: 1749069131,
      customData: { currency: 'BRL', value: 1500, amount: 1.5 },
    });
  });

  describe('tolerance', () => {
    it.each([
      ['no event_name', { id: 'wamid.x', timestamp: 1 }, 'unrecognised_shape'],
      ['an event_name of the wrong type', { id: 'wamid.x', event_name: ['Purchase'] }, 'unrecognised_shape'],
      ['an item that is not an object', 42, 'item_not_object'],
    ])('turns %s into an unknown event with its index', (_, item, reason) => {
      const events = conversions([LEAD, item]);
      expect(events.map((e) => e.kind)).toEqual(['ad.conversion', 'unknown']);
      expect(events[1]).toMatchObject({ reason, itemIndex: 1, raw: item });
    });

    it('reads other members of the wrong type as absent', () => {
      const custom_data = { currency: 1, value: 'a lot' };
      const item = { id: 5, event_name: 'Purchase', timestamp: 'soon', ctwa_clid: '', custom_data };
      expect(only(conversions([item]), 'ad.conversion')).toMatchObject({
        wamid: undefined,
        timestamp: undefined,
        ctwaClid: undefined,
        customData: { currency: undefined, value: undefined, amount: undefined },
      });
    });

    it('keeps an automatic_events that is not an array, whole, as an empty change', () => {
      const events = normalizeChange('automatic_events', messagingValue({ automatic_events: PURCHASE }));
      expect(events).toMatchObject([{ kind: 'unknown', reason: 'empty_change', raw: { automatic_events: PURCHASE } }]);
    });
  });

  describe('idempotency key', () => {
    const keyOf = (items: unknown[], index = 0) => conversions(items)[index]?.idempotencyKey;

    it('is the message and the event: not the position, the timestamp or the key order', () => {
      expect(keyOf([LEAD, PURCHASE], 1)).toBe(keyOf([PURCHASE]));
      expect(keyOf([{ ...PURCHASE, timestamp: PURCHASE.timestamp + 60 }])).toBe(keyOf([PURCHASE]));
      const { id, ...rest } = PURCHASE;
      expect(keyOf([{ ...rest, id }])).toBe(keyOf([PURCHASE]));
    });

    it('tells a lead and a purchase on the same message apart', () => {
      expect(keyOf([{ ...PURCHASE, event_name: 'LeadSubmitted', custom_data: undefined }])).not.toBe(keyOf([PURCHASE]));
    });

    it('falls back to the whole item when there is no message id', () => {
      const noId = { event_name: 'Purchase', timestamp: 1, custom_data: { currency: 'USD', value: 1000 } };
      expect(keyOf([noId])).toBe(keyOf([LEAD, noId], 1));
      expect(keyOf([noId])).not.toBe(keyOf([{ ...noId, timestamp: 2 }]));
    });

    it('is scoped to the WABA', () => {
      const on = (wabaId: string) => {
        const change = changeOf('automatic_events', messagingValue({ automatic_events: [LEAD] }));
        return normalizeEnvelope(envelopeOf([entryOf([change], { id: wabaId })]))[0]?.idempotencyKey;
      };
      expect(on('1')).not.toBe(on('2'));
    });
  });
});
