import { inbound, messagingValue, normalizeChange, only } from './testing/envelope-builders';

/**
 * Meta's click event,
 * https://developers.facebook.com/documentation/business-messaging/whatsapp/marketing-messages/track-click-events/
 * with the placeholders filled as in sashanclrp/wappa, tests/test_whatsapp_user_actions_contract.py.
 */
const LINK_CLICK = {
  action_type: 'marketing_messages_link_click',
  timestamp: '1753000000',
  marketing_messages_link_click_data: {
    click_component: 'cta',
    product_id: 'sku_id',
    click_id: 'click_id',
    tracking_token: 'example_token',
  },
};

/** Meta's landing-page view: the click's data object, with only the correlation keys. */
const LANDING_PAGE_VIEW = {
  action_type: 'landing_page_view',
  timestamp: '1758585600',
  marketing_messages_link_click_data: { tracking_token: 'token-1', click_id: 'click-1' },
};

const actions = (field: string, items: unknown[], extra: Record<string, unknown> = {}) =>
  normalizeChange(field, messagingValue({ user_actions: items, ...extra }));

describe('marketing.user_action', () => {
  it('reads a link click on the messages field, where Meta documents it', () => {
    const events = actions('messages', [LINK_CLICK]);
    expect(events.map((e) => e.kind)).toEqual(['marketing.user_action']);
    expect(events[0]).toMatchObject({
      field: 'messages',
      itemIndex: 0,
      actionType: 'marketing_messages_link_click',
      timestamp: 1753000000,
      clickComponent: 'cta',
      productId: 'sku_id',
      clickId: 'click_id',
      trackingToken: 'example_token',
      raw: LINK_CLICK,
    });
  });

  it('reads the same shape on the tracking_events field', () => {
    expect(only(actions('tracking_events', [LINK_CLICK]), 'marketing.user_action')).toMatchObject({
      field: 'tracking_events',
      clickId: 'click_id',
    });
  });

  it('reads a landing-page view, which has no component or product', () => {
    expect(only(actions('messages', [LANDING_PAGE_VIEW]), 'marketing.user_action')).toMatchObject({
      actionType: 'landing_page_view',
      timestamp: 1758585600,
      clickComponent: undefined,
      productId: undefined,
      clickId: 'click-1',
      trackingToken: 'token-1',
    });
  });

  it('keeps an undocumented action type with its own data object (seen in production by wappa)', () => {
    const item = {
      action_type: 'some_unannounced_action',
      timestamp: 1753000001,
      some_unannounced_action_data: { device: { agent: '(Android 15)' } },
    };
    expect(only(actions('messages', [item]), 'marketing.user_action')).toMatchObject({
      actionType: 'some_unannounced_action',
      timestamp: 1753000001,
      clickId: undefined,
      raw: item,
    });
  });

  it('yields the actions next to messages of the same change', () => {
    const events = actions('messages', [LINK_CLICK], { messages: [inbound('text', { body: 'hi' })] });
    expect(events.map((e) => e.kind)).toEqual(['message.inbound', 'marketing.user_action']);
  });

  describe('tolerance', () => {
    it.each([
      ['no action_type', { timestamp: '1' }, 'unrecognised_shape'],
      ['an action_type of the wrong type', { action_type: 1 }, 'unrecognised_shape'],
      ['an item that is not an object', null, 'item_not_object'],
    ])('turns %s into an unknown event with its index', (_, item, reason) => {
      const events = actions('tracking_events', [LINK_CLICK, item]);
      expect(events.map((e) => e.kind)).toEqual(['marketing.user_action', 'unknown']);
      expect(events[1]).toMatchObject({ reason, itemIndex: 1, raw: item });
    });

    it('reads a data object of the wrong type as absent', () => {
      const item = { action_type: 'marketing_messages_link_click', marketing_messages_link_click_data: 'x' };
      expect(only(actions('messages', [item]), 'marketing.user_action')).toMatchObject({
        timestamp: undefined,
        clickComponent: undefined,
        clickId: undefined,
      });
    });

    it('keeps a tracking_events value of another shape as unknown members', () => {
      const value = { recipient_id: '16505551234', events: [{ type: 'click', timestamp: '1740000000' }] };
      expect(normalizeChange('tracking_events', value)).toMatchObject([
        { kind: 'unknown', reason: 'unrecognised_keys', field: 'tracking_events', raw: value },
      ]);
    });
  });

  describe('idempotency key', () => {
    const keyOf = (items: unknown[], index = 0, field = 'messages') => actions(field, items)[index]?.idempotencyKey;

    it('does not depend on the position or the key order', () => {
      expect(keyOf([LANDING_PAGE_VIEW, LINK_CLICK], 1)).toBe(keyOf([LINK_CLICK]));
      const { marketing_messages_link_click_data, ...rest } = LINK_CLICK;
      expect(keyOf([{ marketing_messages_link_click_data, ...rest }])).toBe(keyOf([LINK_CLICK]));
    });

    it('tells another click apart, and is the same whichever field carried it', () => {
      const data = { ...LINK_CLICK.marketing_messages_link_click_data, click_id: 'c2' };
      const other = { ...LINK_CLICK, marketing_messages_link_click_data: data };
      expect(keyOf([other])).not.toBe(keyOf([LINK_CLICK]));
      expect(keyOf([LINK_CLICK], 0, 'tracking_events')).toBe(keyOf([LINK_CLICK]));
    });
  });
});
