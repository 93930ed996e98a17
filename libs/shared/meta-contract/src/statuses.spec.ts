import type { MessageStatusEvent } from './messaging-events.types';
import { messagingValue, normalizeChange, only } from './testing/envelope-builders';

const status = (members: Record<string, unknown>) => ({
  id: 'wamid.out',
  status: 'delivered',
  timestamp: '1750263773',
  recipient_id: '16505551234',
  ...members,
});

function statusEvent(item: Record<string, unknown>, contacts?: unknown[]): MessageStatusEvent {
  return only(
    normalizeChange('messages', messagingValue({ ...(contacts ? { contacts } : {}), statuses: [item] })),
    'message.status',
  );
}

describe('message.status', () => {
  it.each(['sent', 'delivered', 'read', 'failed', 'played'] as const)('reads %s', (value) => {
    expect(statusEvent(status({ status: value }))).toMatchObject({
      status: value,
      rawStatus: value,
      wamid: 'wamid.out',
      timestamp: 1750263773,
    });
  });

  it('keeps a status string it does not know (On-Premises `deleted`) as unknown + raw', () => {
    expect(statusEvent(status({ status: 'deleted' }))).toMatchObject({ status: 'unknown', rawStatus: 'deleted' });
  });

  it('reads CBP pricing with the conversation and its expiration (string or int)', () => {
    const event = statusEvent(
      status({
        status: 'sent',
        conversation: { id: 'c1', expiration_timestamp: '1698339900', origin: { type: 'service' } },
        pricing: { billable: true, pricing_model: 'CBP', category: 'service' },
      }),
    );
    expect(event.conversation).toEqual({ id: 'c1', expirationTimestamp: 1698339900, originType: 'service' });
    expect(event.pricing).toEqual({ billable: true, pricingModel: 'CBP', type: undefined, category: 'service' });
    expect(
      statusEvent(status({ conversation: { id: 'c', expiration_timestamp: 1669233778 } })).conversation?.expirationTimestamp,
    ).toBe(1669233778);
  });

  it('reads PMP pricing with its type, and no conversation (v24+)', () => {
    const event = statusEvent(
      status({ pricing: { billable: false, pricing_model: 'PMP', type: 'free_customer_service', category: 'service' } }),
    );
    expect(event.pricing).toEqual({ billable: false, pricingModel: 'PMP', type: 'free_customer_service', category: 'service' });
    expect(event.conversation).toBeUndefined();
  });

  it('reads current errors (message, details, href) and old ones (code and title only)', () => {
    const current = statusEvent(
      status({
        status: 'failed',
        errors: [
          {
            code: 130472,
            title: "User's number is part of an experiment",
            message: "User's number is part of an experiment",
            error_data: { details: 'Failed to send message' },
            href: '/documentation/business-messaging/whatsapp/support/error-codes',
          },
        ],
      }),
    );
    expect(current.errors).toEqual([
      {
        code: 130472,
        title: "User's number is part of an experiment",
        message: "User's number is part of an experiment",
        details: 'Failed to send message',
        href: '/documentation/business-messaging/whatsapp/support/error-codes',
      },
    ]);
    const old = statusEvent(status({ status: 'failed', errors: [{ code: 131053, title: 'ERROR_TITLE' }, 'junk'] }));
    expect(old.errors).toEqual([{ code: 131053, title: 'ERROR_TITLE', message: undefined, details: undefined, href: undefined }]);
  });

  it('reads a BSUID-only recipient and matches its contact', () => {
    const event = statusEvent(
      { id: 'wamid.out', status: 'read', timestamp: '1', recipient_user_id: 'US.42', parent_recipient_user_id: 'US.ENT.1' },
      [
        { user_id: 'US.42', profile: { name: 'N' } },
        { wa_id: '5', user_id: 'US.5' },
      ],
    );
    expect(event).toMatchObject({
      recipientId: undefined,
      recipientUserId: 'US.42',
      parentRecipientUserId: 'US.ENT.1',
      contact: { userId: 'US.42', profileName: 'N' },
    });
  });

  it('reads group statuses, keyed per participant', () => {
    const group = (participant: string) =>
      statusEvent(
        status({
          status: 'read',
          recipient_id: 'group-1',
          recipient_type: 'group',
          recipient_participant_id: participant,
          biz_opaque_callback_data: 'tracker',
        }),
        [{ wa_id: '111' }, { wa_id: '222' }],
      );
    const first = group('111');
    expect(first).toMatchObject({
      recipientType: 'group',
      recipientId: 'group-1',
      recipientParticipantId: '111',
      bizOpaqueCallbackData: 'tracker',
      contact: { waId: '111' },
    });
    expect(group('222').idempotencyKey).not.toBe(first.idempotencyKey);
  });

  describe('idempotency key', () => {
    const key = (members: Record<string, unknown>) => statusEvent(status(members)).idempotencyKey;

    it('is (wamid, status): a copy with another timestamp, pricing or contact is the same event', () => {
      expect(key({ timestamp: '1750263999', pricing: { pricing_model: 'PMP' } })).toBe(key({}));
    });

    it('differs by status and by wamid', () => {
      expect(key({ status: 'read' })).not.toBe(key({}));
      expect(key({ id: 'wamid.other' })).not.toBe(key({}));
    });
  });

  it('turns a status without id or status into an unknown event', () => {
    const events = normalizeChange('messages', messagingValue({ statuses: [{ status: 'sent' }, { id: 'wamid.x' }] }));
    expect(events.map((event) => event.kind === 'unknown' && event.reason)).toEqual([
      'status_without_id',
      'status_without_status',
    ]);
  });
});
