import { normalizeEnvelope } from './normalize';
import {
  changeOf,
  entryOf,
  envelopeOf,
  messagingValue,
  normalizeChange,
  normalizeJson,
  only,
  PHONE_NUMBER_ID,
} from './testing/envelope-builders';

const contactItem = (phone: string, action = 'add', timestamp = '1739321024') => ({
  type: 'contact',
  contact: { full_name: 'Pablo Morales', first_name: 'Pablo', phone_number: phone },
  action,
  metadata: { timestamp },
});

const sync = (items: unknown[]) => normalizeChange('smb_app_state_sync', messagingValue({ state_sync: items }));

describe('contact.sync', () => {
  it('reads Meta’s example', () => {
    // https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/smb_app_state_sync
    const events = normalizeJson({
      object: 'whatsapp_business_account',
      entry: [
        {
          id: '102290129340398',
          changes: [
            {
              value: {
                messaging_product: 'whatsapp',
                metadata: { display_phone_number: '15550783881', phone_number_id: '106540352242922' },
                state_sync: [
                  {
                    type: 'contact',
                    contact: { full_name: 'Pablo Morales', first_name: 'Pablo', phone_number: '16505551234' },
                    action: 'add',
                    metadata: { timestamp: '1739321024' },
                  },
                ],
              },
              field: 'smb_app_state_sync',
            },
          ],
        },
      ],
    });
    expect(only(events, 'contact.sync')).toMatchObject({
      field: 'smb_app_state_sync',
      wabaId: '102290129340398',
      phoneNumberId: '106540352242922',
      displayPhoneNumber: '15550783881',
      itemIndex: 0,
      action: 'add',
      rawAction: 'add',
      phoneNumber: '16505551234',
      userId: undefined,
      fullName: 'Pablo Morales',
      firstName: 'Pablo',
      timestamp: 1739321024,
    });
  });

  it('reads a BSUID-only contact (sashanclrp/wappa, tests/test_whatsapp_meta_bsuid_contract.py)', () => {
    const event = only(
      sync([
        {
          type: 'contact',
          contact: {
            full_name: 'Sasha Nicolai Canal',
            first_name: 'Sasha',
            user_id: 'CO.2186878922080769',
            parent_user_id: 'CO.ENT.2186878922080769',
            username: 'sashanicolai',
          },
          action: 'add',
          metadata: { timestamp: '1776696189' },
        },
      ]),
      'contact.sync',
    );
    expect(event).toMatchObject({
      phoneNumber: undefined,
      userId: 'CO.2186878922080769',
      parentUserId: 'CO.ENT.2186878922080769',
      username: 'sashanicolai',
      timestamp: 1776696189,
    });
  });

  it('reads a removal, which carries no names, and one event per address-book entry', () => {
    const events = sync([
      { type: 'contact', contact: { phone_number: '16505551234' }, action: 'remove', metadata: { timestamp: 1739321100 } },
      contactItem('16505550000'),
    ]);
    expect(events.map((e) => e.kind === 'contact.sync' && [e.itemIndex, e.action, e.phoneNumber, e.fullName])).toEqual([
      [0, 'remove', '16505551234', undefined],
      [1, 'add', '16505550000', 'Pablo Morales'],
    ]);
  });

  it('keeps an action it does not know verbatim', () => {
    expect(only(sync([contactItem('1', 'edit')]), 'contact.sync')).toMatchObject({ action: 'unknown', rawAction: 'edit' });
  });

  describe('tolerance', () => {
    it.each([
      ['a sync type other than contact', { type: 'label', label: { name: 'VIP' }, action: 'add' }, 'unrecognised_shape'],
      ['no contact object', { type: 'contact', action: 'add' }, 'unrecognised_shape'],
      ['a contact of the wrong type', { type: 'contact', contact: '16505551234', action: 'add' }, 'unrecognised_shape'],
      ['an item that is not an object', 'contact', 'item_not_object'],
    ])('turns %s into an unknown event with its index', (_, item, reason) => {
      const events = sync([contactItem('1'), item]);
      expect(events.map((e) => e.kind)).toEqual(['contact.sync', 'unknown']);
      expect(events[1]).toMatchObject({ reason, itemIndex: 1, raw: item, phoneNumberId: PHONE_NUMBER_ID });
    });

    it('reads members of the wrong type as absent', () => {
      const event = only(
        sync([{ type: 'contact', contact: { phone_number: 16505551234, full_name: null }, action: 3, metadata: 'x' }]),
        'contact.sync',
      );
      expect(event).toMatchObject({
        phoneNumber: undefined,
        fullName: undefined,
        action: 'unknown',
        rawAction: undefined,
        timestamp: undefined,
      });
    });

    it('surfaces a value with no state_sync as an empty change, and unknown members beside the items', () => {
      expect(normalizeChange('smb_app_state_sync', messagingValue({}))).toMatchObject([
        { kind: 'unknown', reason: 'empty_change' },
      ]);
      const events = normalizeChange('smb_app_state_sync', messagingValue({ state_sync: [contactItem('1')], labels: [] }));
      expect(events.map((e) => e.kind === 'unknown' ? e.reason : e.kind)).toEqual(['contact.sync', 'unrecognised_keys']);
    });
  });

  describe('idempotency key', () => {
    const keyOf = (items: unknown[], index = 0) => sync(items)[index]?.idempotencyKey;

    it('does not depend on the item’s position or on key order', () => {
      const a = contactItem('1');
      const b = contactItem('2');
      expect(keyOf([a, b], 1)).toBe(keyOf([b]));
      expect(keyOf([{ metadata: b.metadata, action: b.action, contact: b.contact, type: b.type }])).toBe(keyOf([b]));
    });

    it('tells another contact, another action or another time apart', () => {
      const base = keyOf([contactItem('1')]);
      expect(keyOf([contactItem('2')])).not.toBe(base);
      expect(keyOf([contactItem('1', 'remove')])).not.toBe(base);
      expect(keyOf([contactItem('1', 'add', '1739321999')])).not.toBe(base);
    });

    it('is scoped to the phone number being synced', () => {
      const on = (phoneNumberId: string) => {
        const value = messagingValue({ state_sync: [contactItem('1')] }, phoneNumberId);
        return normalizeEnvelope(envelopeOf([entryOf([changeOf('smb_app_state_sync', value)])]))[0]?.idempotencyKey;
      };
      expect(on('111')).not.toBe(on('222'));
    });
  });
});
