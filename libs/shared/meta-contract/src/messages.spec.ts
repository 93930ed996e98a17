import type { InboundMessageEvent } from './messaging-events.types';
import { normalizeEnvelope } from './normalize';
import {
  changeOf,
  DISPLAY_PHONE_NUMBER,
  entryOf,
  envelopeOf,
  inbound,
  messagingValue,
  normalizeChange,
  only,
  PHONE_NUMBER_ID,
  WABA_ID,
} from './testing/envelope-builders';

const CONTACT = { profile: { name: 'Sheena Nelson' }, wa_id: '16505551234' };

function inboundEvent(message: Record<string, unknown>, contacts: unknown[] = [CONTACT]): InboundMessageEvent {
  return only(normalizeChange('messages', messagingValue({ contacts, messages: [message] })), 'message.inbound');
}

describe('message.inbound', () => {
  it('carries routing, coordinates, sender, contact and the raw message', () => {
    const message = inbound('text', { body: 'Does it come in another color?' });
    const event = inboundEvent(message);
    expect(event).toMatchObject({
      field: 'messages',
      wabaId: WABA_ID,
      phoneNumberId: PHONE_NUMBER_ID,
      displayPhoneNumber: DISPLAY_PHONE_NUMBER,
      entryIndex: 0,
      changeIndex: 0,
      itemIndex: 0,
      entryTime: undefined,
      wamid: 'wamid.text',
      messageType: 'text',
      content: { type: 'text', body: 'Does it come in another color?' },
      from: '16505551234',
      timestamp: 1749416383,
      errors: [],
      contact: { waId: '16505551234', profileName: 'Sheena Nelson', userId: undefined },
    });
    expect(event.raw).toBe(message);
  });

  describe('sender identity (BSUID rollout)', () => {
    it('reads a BSUID-only sender: no from, no wa_id, the lone contact is the sender', () => {
      const event = inboundEvent(
        { id: 'wamid.ID', timestamp: '1669233778', type: 'text', text: { body: 'hi' }, from_user_id: 'US.13491208655302741918' },
        [{ profile: { name: 'NAME', username: '@sheena' }, user_id: 'US.13491208655302741918', parent_user_id: 'US.ENT.1' }],
      );
      expect(event.from).toBeUndefined();
      expect(event.fromUserId).toBe('US.13491208655302741918');
      expect(event.contact).toEqual({
        waId: undefined,
        userId: 'US.13491208655302741918',
        parentUserId: 'US.ENT.1',
        username: '@sheena',
        profileName: 'NAME',
        identityKeyHash: undefined,
      });
    });

    it('treats an empty wa_id and an empty from as absent', () => {
      const event = inboundEvent({ ...inbound('text', { body: 'x' }), from: '', from_user_id: 'US.1' }, [
        { wa_id: '', user_id: 'US.1' },
      ]);
      expect(event.from).toBeUndefined();
      expect(event.contact?.waId).toBeUndefined();
      expect(event.contact?.userId).toBe('US.1');
    });

    it('matches the contact by user id among several, and does not guess on a mismatch', () => {
      const contacts = [
        { wa_id: '1', user_id: 'US.1' },
        { wa_id: '2', user_id: 'US.2' },
      ];
      expect(
        inboundEvent({ ...inbound('text', { body: 'x' }), from: undefined, from_user_id: 'US.2' }, contacts).contact?.waId,
      ).toBe('2');
      expect(inboundEvent({ ...inbound('text', { body: 'x' }), from: '3' }, [{ wa_id: '4' }]).contact).toBeUndefined();
    });
  });

  it('accepts the timestamp as a string or an int, and drops placeholders', () => {
    expect(inboundEvent({ ...inbound('text', {}), timestamp: 1669233778 }).timestamp).toBe(1669233778);
    expect(inboundEvent({ ...inbound('text', {}), timestamp: '1669233778' }).timestamp).toBe(1669233778);
    expect(inboundEvent({ ...inbound('text', {}), timestamp: 'message_timestamp' }).timestamp).toBeUndefined();
  });

  it('reads reply, forward and product-inquiry context, and click-to-WhatsApp referrals', () => {
    const event = inboundEvent(
      inbound(
        'text',
        { body: 'Is this still available?' },
        {
          context: {
            from: '15550783881',
            id: 'wamid.product',
            frequently_forwarded: true,
            referred_product: { catalog_id: 'C', product_retailer_id: 'P' },
          },
          referral: { source_type: 'ad', source_id: '120', ctwa_clid: 'Aff-n8', welcome_message: { text: 'Hi there!' } },
        },
      ),
    );
    expect(event.context).toEqual({
      from: '15550783881',
      id: 'wamid.product',
      forwarded: false,
      frequentlyForwarded: true,
      referredProduct: { catalogId: 'C', productRetailerId: 'P' },
    });
    expect(event.referral).toMatchObject({
      sourceType: 'ad',
      sourceId: '120',
      ctwaClid: 'Aff-n8',
      welcomeMessageText: 'Hi there!',
    });
  });

  it('carries the group id of group messages', () => {
    expect(inboundEvent(inbound('text', { body: 'hi all' }, { group_id: 'Y2FwaV9ncm91cDox' })).groupId).toBe('Y2FwaV9ncm91cDox');
  });
  it('turns a message without an id into an unknown event, keeping it raw', () => {
    const events = normalizeChange('messages', messagingValue({ messages: [{ from: '1', type: 'text' }, 'junk'] }));
    expect(events.map((event) => event.kind === 'unknown' && [event.reason, event.itemIndex])).toEqual([
      ['message_without_id', 0],
      ['item_not_object', 1],
    ]);
  });

  describe('idempotency key', () => {
    it('is the wamid (within the WABA), whatever the batching, sender data or content drift', () => {
      const a = inboundEvent(inbound('text', { body: 'a' }));
      // A retry re-batched behind another WABA's entry, with int timestamp and no contacts.
      const rebatched = normalizeEnvelope(
        envelopeOf([
          entryOf([changeOf('messages', messagingValue({ messages: [inbound('text', { body: 'b' }, { id: 'wamid.b' })] }))], {
            id: '999',
          }),
          entryOf([
            changeOf('messages', messagingValue({ messages: [inbound('text', { body: 'a' }, { timestamp: 1749416383 })] })),
          ]),
        ]),
      );
      const retried = rebatched[1];
      expect(retried).toMatchObject({ kind: 'message.inbound', entryIndex: 1 });
      expect(retried?.idempotencyKey).toBe(a.idempotencyKey);
      expect(rebatched[0]?.idempotencyKey).not.toBe(a.idempotencyKey);
      expect(inboundEvent({ ...inbound('text', { body: 'a' }), id: 'wamid.other' }).idempotencyKey).not.toBe(a.idempotencyKey);
    });
  });
});
