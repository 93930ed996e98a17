import { normalizeChange, only, WABA_ID } from './testing/envelope-builders';

const TIME = 1751247548;
const template = {
  message_template_id: 1689556908129832,
  message_template_name: 'order_confirmation',
  message_template_language: 'en_US',
};
const templateRef = { templateId: '1689556908129832', templateName: 'order_confirmation', language: 'en_US' };

describe('template.status', () => {
  it('reads an approval, with the routing that management fields have (WABA only)', () => {
    const event = only(
      normalizeChange(
        'message_template_status_update',
        { event: 'APPROVED', ...template, reason: 'NONE', message_template_category: 'UTILITY' },
        { time: TIME },
      ),
      'template.status',
    );
    expect(event).toMatchObject({
      ...templateRef,
      wabaId: WABA_ID,
      phoneNumberId: undefined,
      itemIndex: undefined,
      entryTime: TIME,
      event: 'APPROVED',
      reason: 'NONE',
      category: 'UTILITY',
      otherInfo: undefined,
      rejectionInfo: undefined,
      disableDate: undefined,
    });
  });

  it('tells a null reason from a missing one', () => {
    expect(
      only(
        normalizeChange('message_template_status_update', { event: 'PENDING_DELETION', ...template, reason: null }),
        'template.status',
      ).reason,
    ).toBeNull();
    expect(
      only(normalizeChange('message_template_status_update', { event: 'LOCKED', ...template }), 'template.status').reason,
    ).toBeUndefined();
  });

  it('reads rejection and pause details', () => {
    const rejected = only(
      normalizeChange('message_template_status_update', {
        event: 'REJECTED',
        ...template,
        reason: 'INVALID_FORMAT',
        rejection_info: { reason: 'adjacent params', recommendation: 'separate them' },
      }),
      'template.status',
    );
    expect(rejected.rejectionInfo).toEqual({ reason: 'adjacent params', recommendation: 'separate them' });
    const locked = only(
      normalizeChange('message_template_status_update', {
        event: 'LOCKED',
        ...template,
        other_info: { title: 'RATE_LIMITING_PAUSE', description: 'high block rate' },
      }),
      'template.status',
    );
    expect(locked.otherInfo).toEqual({ title: 'RATE_LIMITING_PAUSE', description: 'high block rate' });
  });

  it.each([
    [1739400000, 1739400000],
    ['1739400000', 1739400000],
    ['January 31, 2021', 'January 31, 2021'],
  ])('reads disable_date %j as %j', (wire, expected) => {
    const event = only(
      normalizeChange('message_template_status_update', { event: 'DISABLED', ...template, disable_info: { disable_date: wire } }),
      'template.status',
    );
    expect(event.disableDate).toBe(expected);
  });
});

describe('template.quality', () => {
  const quality = { previous_quality_score: 'GREEN', new_quality_score: 'YELLOW', ...template };

  it('reads a quality update under its own field', () => {
    expect(only(normalizeChange('message_template_quality_update', quality), 'template.quality')).toMatchObject({
      ...templateRef,
      previousQualityScore: 'GREEN',
      newQualityScore: 'YELLOW',
    });
  });

  it('routes on the value shape when Meta labels it message_template_status_update', () => {
    const event = only(normalizeChange('message_template_status_update', quality), 'template.quality');
    expect(event).toMatchObject({ field: 'message_template_status_update', newQualityScore: 'YELLOW' });
  });
});

describe('template.category', () => {
  const category = (value: Record<string, unknown>) =>
    only(normalizeChange('template_category_update', { ...template, ...value }), 'template.category').update;

  it('reads the impending shape, where new_category is the current one', () => {
    expect(category({ new_category: 'UTILITY', correct_category: 'MARKETING', category_update_timestamp: 1746169200 })).toEqual({
      phase: 'impending',
      currentCategory: 'UTILITY',
      correctCategory: 'MARKETING',
      effectiveAt: 1746169200,
    });
  });

  it('reads the completed shape, with or without the previous category', () => {
    expect(category({ previous_category: 'UTILITY', new_category: 'MARKETING' })).toEqual({
      phase: 'completed',
      previousCategory: 'UTILITY',
      newCategory: 'MARKETING',
    });
    expect(category({ new_category: 'MARKETING' })).toEqual({
      phase: 'completed',
      previousCategory: undefined,
      newCategory: 'MARKETING',
    });
  });
});

it('reads template.components in Meta\u2019s flattened shape', () => {
  const event = only(
    normalizeChange('message_template_components_update', {
      ...template,
      message_template_title: 'Your order is confirmed!',
      message_template_element: 'Thank you, {{1}}!',
      message_template_buttons: [
        {
          message_template_button_type: 'URL',
          message_template_button_text: 'Email support',
          message_template_button_url: 'https://example.com',
        },
      ],
    }),
    'template.components',
  );
  expect(event).toMatchObject({ title: 'Your order is confirmed!', element: 'Thank you, {{1}}!', footer: undefined });
  expect(event.buttons).toEqual([{ type: 'URL', text: 'Email support', url: 'https://example.com', phoneNumber: undefined }]);
});

it('turns a template value of no known shape into an unknown event', () => {
  const [event] = normalizeChange('template_category_update', template);
  expect(event).toMatchObject({ kind: 'unknown', reason: 'unrecognised_shape', raw: template });
});

describe('limits: ints and TIER_* strings on one scale', () => {
  it('reads phone_number.quality with tiers, and its display number', () => {
    const event = only(
      normalizeChange('phone_number_quality_update', {
        display_phone_number: '15550783881',
        event: 'FLAGGED',
        current_limit: 'TIER_10K',
        old_limit: 'TIER_1K',
        max_daily_conversations_per_business: 'TIER_UNLIMITED',
      }),
      'phone_number.quality',
    );
    expect(event).toMatchObject({
      displayPhoneNumber: '15550783881',
      phoneNumberId: undefined,
      event: 'FLAGGED',
      currentLimit: { raw: 'TIER_10K', dailyConversations: 10_000 },
      oldLimit: { raw: 'TIER_1K', dailyConversations: 1_000 },
      maxDailyConversationsPerBusiness: { raw: 'TIER_UNLIMITED', dailyConversations: 'unlimited' },
    });
  });

  it('reads business.capability with ints (Meta\u2019s example) and tiers (its table)', () => {
    const ints = only(
      normalizeChange('business_capability_update', {
        max_daily_conversation_per_phone: -1,
        max_daily_conversations_per_business: 2000,
        max_phone_numbers_per_waba: 25,
      }),
      'business.capability',
    );
    expect(ints).toMatchObject({
      maxDailyConversationPerPhone: { raw: -1, dailyConversations: 'unlimited' },
      maxDailyConversationsPerBusiness: { raw: 2000, dailyConversations: 2000 },
      maxPhoneNumbersPerWaba: 25,
      maxPhoneNumbersPerBusiness: undefined,
    });
    const tiers = only(
      normalizeChange('business_capability_update', { max_daily_conversations_per_business: 'TIER_2K' }),
      'business.capability',
    );
    expect(tiers.maxDailyConversationsPerBusiness).toEqual({ raw: 'TIER_2K', dailyConversations: 2000 });
    const notSet = only(
      normalizeChange('business_capability_update', { max_daily_conversations_per_business: 'TIER_NOT_SET' }),
      'business.capability',
    );
    expect(notSet.maxDailyConversationsPerBusiness).toEqual({ raw: 'TIER_NOT_SET', dailyConversations: undefined });
  });
});

describe('account fields', () => {
  it('reads account.update restrictions, violations and a prose ban date', () => {
    const restricted = only(
      normalizeChange('account_update', {
        event: 'ACCOUNT_RESTRICTION',
        restriction_info: [{ restriction_type: 'RESTRICTED_BIZ_INITIATED_MESSAGING', expiration: 1641330498 }],
      }),
      'account.update',
    );
    expect(restricted.restrictions).toEqual([{ restrictionType: 'RESTRICTED_BIZ_INITIATED_MESSAGING', expiration: 1641330498 }]);
    const violation = only(
      normalizeChange('account_update', { event: 'ACCOUNT_VIOLATION', violation_info: { violation_type: 'ADULT' } }),
      'account.update',
    );
    expect(violation.violationType).toBe('ADULT');
    const ban = only(
      normalizeChange('account_update', {
        event: 'DISABLED_UPDATE',
        ban_info: { waba_ban_state: 'SCHEDULE_FOR_DISABLE', waba_ban_date: 'January 31, 2021' },
      }),
      'account.update',
    );
    expect(ban.ban).toEqual({ state: 'SCHEDULE_FOR_DISABLE', date: 'January 31, 2021' });
    expect(ban.restrictions).toEqual([]);
  });

  it('reads account.alert, account.review, phone_number.name and security', () => {
    expect(
      only(
        normalizeChange('account_alerts', {
          entity_type: 'BUSINESS',
          entity_id: '506914307656634',
          alert_info: { alert_severity: 'WARNING', alert_status: 'ACTIVE', alert_type: 'OBA_APPROVED', alert_description: 'd' },
        }),
        'account.alert',
      ),
    ).toMatchObject({
      entityType: 'BUSINESS',
      entityId: '506914307656634',
      severity: 'WARNING',
      status: 'ACTIVE',
      alertType: 'OBA_APPROVED',
      description: 'd',
    });
    expect(only(normalizeChange('account_review_update', { decision: 'APPROVED' }), 'account.review').decision).toBe('APPROVED');
    expect(
      only(
        normalizeChange('phone_number_name_update', {
          display_phone_number: '15550783881',
          decision: 'APPROVED',
          requested_verified_name: 'Lucky Shrub',
          rejection_reason: null,
        }),
        'phone_number.name',
      ),
    ).toMatchObject({
      displayPhoneNumber: '15550783881',
      decision: 'APPROVED',
      requestedVerifiedName: 'Lucky Shrub',
      rejectionReason: undefined,
    });
    expect(
      only(normalizeChange('security', { display_phone_number: '15550783881', event: 'PIN_CHANGED' }), 'security'),
    ).toMatchObject({ event: 'PIN_CHANGED', requester: undefined });
  });
});

describe('management idempotency key', () => {
  const key = (value: Record<string, unknown>, time?: number) => {
    const [event] = normalizeChange('account_update', value, time === undefined ? {} : { time });
    return event?.idempotencyKey;
  };

  it('is field + canonical value + entry time: key order does not matter', () => {
    expect(key({ event: 'PARTNER_ADDED', waba_info: { a: 1, b: 2 } }, TIME)).toBe(
      key({ waba_info: { b: 2, a: 1 }, event: 'PARTNER_ADDED' }, TIME),
    );
  });

  it('separates the same value happening at another time, and another value at the same time', () => {
    expect(key({ event: 'ACCOUNT_RECONNECTED' }, TIME)).not.toBe(key({ event: 'ACCOUNT_RECONNECTED' }, TIME + 86_400));
    expect(key({ event: 'ACCOUNT_RECONNECTED' }, TIME)).not.toBe(key({ event: 'ACCOUNT_OFFBOARDED' }, TIME));
  });

  it('separates two fields with the same value', () => {
    const [status] = normalizeChange('message_template_status_update', { event: 'X' }, { time: TIME });
    const [account] = normalizeChange('account_update', { event: 'X' }, { time: TIME });
    expect(status?.idempotencyKey).not.toBe(account?.idempotencyKey);
  });
});
