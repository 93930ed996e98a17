import type { MessageContent } from './message-content.types';
import type { InboundMessageEvent } from './messaging-events.types';
import { inbound, messagingValue, normalizeChange, only } from './testing/envelope-builders';

const CONTACT = { profile: { name: 'Sheena Nelson' }, wa_id: '16505551234' };

function inboundEvent(message: Record<string, unknown>, contacts: unknown[] = [CONTACT]): InboundMessageEvent {
  return only(normalizeChange('messages', messagingValue({ contacts, messages: [message] })), 'message.inbound');
}

function contentOf<T extends MessageContent['type']>(
  message: Record<string, unknown>,
  type: T,
): Extract<MessageContent, { type: T }> {
  const { content } = inboundEvent(message);
  if (content.type !== type) throw new Error(`expected ${type}, got ${content.type}`);
  return content as Extract<MessageContent, { type: T }>;
}

describe('message content by type', () => {
  it('reads media, with the voice flag on audio', () => {
    expect(
      contentOf(inbound('audio', { id: 'm1', mime_type: 'audio/ogg; codecs=opus', sha256: 'h', voice: true }), 'audio'),
    ).toEqual({
      type: 'audio',
      voice: true,
      media: { id: 'm1', mimeType: 'audio/ogg; codecs=opus', sha256: 'h', caption: undefined, url: undefined },
    });
    expect(contentOf(inbound('audio', { id: 'm1' }), 'audio').voice).toBe(false);
    expect(contentOf(inbound('document', { id: 'd', filename: 'a.pdf', caption: 'c' }), 'document')).toMatchObject({
      filename: 'a.pdf',
      media: { caption: 'c' },
    });
    expect(contentOf(inbound('sticker', { id: 's', animated: true }), 'sticker').animated).toBe(true);
    expect(contentOf(inbound('image', { id: 'i', url: 'https://lookaside.fbsbx.com/x' }), 'image').media.url).toBe(
      'https://lookaside.fbsbx.com/x',
    );
  });

  it('reads locations with numbers or numeric strings, and drops placeholders', () => {
    expect(contentOf(inbound('location', { latitude: '37.7749', longitude: -122.4194, name: 'SF' }), 'location')).toMatchObject({
      latitude: 37.7749,
      longitude: -122.4194,
    });
    expect(contentOf(inbound('location', { latitude: 'LOCATION_LATITUDE' }), 'location').latitude).toBeUndefined();
  });

  describe('reactions', () => {
    it('reads a reaction', () => {
      expect(contentOf(inbound('reaction', { message_id: 'wamid.orig', emoji: '👍' }), 'reaction')).toEqual({
        type: 'reaction',
        messageId: 'wamid.orig',
        emoji: '👍',
        removed: false,
      });
    });

    it.each([[{ message_id: 'wamid.orig', emoji: '' }], [{ message_id: 'wamid.orig' }]])(
      'reads %j as an unreaction',
      (reaction) => {
        expect(contentOf(inbound('reaction', reaction), 'reaction')).toEqual({
          type: 'reaction',
          messageId: 'wamid.orig',
          emoji: undefined,
          removed: true,
        });
      },
    );
  });

  describe('interactive replies', () => {
    const interactive = (body: Record<string, unknown>) => contentOf(inbound('interactive', body), 'interactive').reply;

    it('reads button and list replies', () => {
      expect(interactive({ type: 'button_reply', button_reply: { id: 'b', title: 'Yes' } })).toEqual({
        type: 'button_reply',
        id: 'b',
        title: 'Yes',
      });
      expect(interactive({ type: 'list_reply', list_reply: { id: 'l', title: 'T', description: 'D' } })).toEqual({
        type: 'list_reply',
        id: 'l',
        title: 'T',
        description: 'D',
      });
    });

    it('parses a flow reply response_json and its flow token', () => {
      const responseJson = '{"flow_token":"AQAAAAACS5FpgQ_cAAAAAD0QI3s.","delivery_rating":"4"}';
      expect(interactive({ type: 'nfm_reply', nfm_reply: { name: 'flow', body: 'Sent', response_json: responseJson } })).toEqual({
        type: 'nfm_reply',
        name: 'flow',
        body: 'Sent',
        responseJson,
        response: { flow_token: 'AQAAAAACS5FpgQ_cAAAAAD0QI3s.', delivery_rating: '4' },
        flowToken: 'AQAAAAACS5FpgQ_cAAAAAD0QI3s.',
      });
    });

    it('keeps a flow reply whose response_json is not JSON as text only', () => {
      expect(interactive({ type: 'nfm_reply', nfm_reply: { response_json: '{broken' } })).toMatchObject({
        responseJson: '{broken',
        response: undefined,
        flowToken: undefined,
      });
    });

    it('reads call permission replies and keeps payment_method and unknown types raw', () => {
      expect(
        interactive({
          type: 'call_permission_reply',
          call_permission_reply: { response: 'accept', expiration_timestamp: 1753186982, response_source: 'user_action' },
        }),
      ).toEqual({
        type: 'call_permission_reply',
        response: 'accept',
        expirationTimestamp: 1753186982,
        responseSource: 'user_action',
      });
      expect(interactive({ type: 'payment_method', payment_method: { credential_id: 'c' } })).toEqual({
        type: 'payment_method',
        raw: { credential_id: 'c' },
      });
      expect(interactive({ type: 'carousel_reply', carousel_reply: { id: 1 } })).toEqual({
        type: 'other',
        interactiveType: 'carousel_reply',
        raw: { type: 'carousel_reply', carousel_reply: { id: 1 } },
      });
    });

    it('reads an interactive message without its interactive object', () => {
      const event = inboundEvent({ from: '1', id: 'wamid.x', timestamp: '1', type: 'interactive' });
      expect(event.content).toEqual({
        type: 'interactive',
        reply: { type: 'other', interactiveType: undefined, raw: undefined },
      });
    });
  });

  it('reads template quick-reply buttons and orders', () => {
    expect(contentOf(inbound('button', { payload: 'Unsubscribe', text: 'Stop' }), 'button')).toEqual({
      type: 'button',
      payload: 'Unsubscribe',
      text: 'Stop',
    });
    expect(
      contentOf(
        inbound('order', {
          catalog_id: 'c',
          text: '',
          product_items: [{ product_retailer_id: 'p', quantity: 2, item_price: '30', currency: 'USD' }, 'junk'],
        }),
        'order',
      ),
    ).toEqual({
      type: 'order',
      catalogId: 'c',
      text: '',
      items: [{ productRetailerId: 'p', quantity: 2, itemPrice: 30, currency: 'USD' }],
    });
  });

  describe('system messages', () => {
    it('reads a number change: the new wa_id, and no contact (system messages have none)', () => {
      const event = only(
        normalizeChange(
          'messages',
          messagingValue({
            messages: [
              {
                from: '16505551234',
                id: 'wamid.sys',
                timestamp: '1750269342',
                type: 'system',
                system: {
                  body: 'User changed from 16505551234 to 12195555358',
                  wa_id: '12195555358',
                  type: 'user_changed_number',
                },
              },
            ],
          }),
        ),
        'message.inbound',
      );
      expect(event.contact).toBeUndefined();
      expect(event.content).toEqual({
        type: 'system',
        systemType: 'user_changed_number',
        rawSystemType: 'user_changed_number',
        body: 'User changed from 16505551234 to 12195555358',
        newWaId: '12195555358',
        identityHash: undefined,
      });
    });

    it('reads an identity change and keeps unknown system types', () => {
      const identity = contentOf(
        {
          ...inbound('system', { body: 'User identity changed', type: 'customer_identity_changed' }),
          identity: { acknowledged: true, hash: 'xyz' },
        },
        'system',
      );
      expect(identity).toMatchObject({ systemType: 'customer_identity_changed', identityHash: 'xyz' });
      expect(contentOf(inbound('system', { type: 'something_new' }), 'system')).toMatchObject({
        systemType: 'unknown',
        rawSystemType: 'something_new',
      });
    });
  });

  it('reads edits (with the edited content) and revokes', () => {
    expect(
      contentOf(inbound('edit', { original_message_id: 'wamid.o', message: { type: 'text', text: { body: 'fixed' } } }), 'edit'),
    ).toEqual({
      type: 'edit',
      originalMessageId: 'wamid.o',
      message: { type: 'text', body: 'fixed' },
    });
    expect(
      contentOf(
        inbound('edit', { original_message_id: 'wamid.o', message: { type: 'edit', edit: { message: { type: 'text' } } } }),
        'edit',
      ).message,
    ).toEqual({ type: 'edit', originalMessageId: undefined, message: undefined });
    expect(contentOf(inbound('revoke', { original_message_id: 'wamid.o' }), 'revoke')).toEqual({
      type: 'revoke',
      originalMessageId: 'wamid.o',
    });
    expect(contentOf(inbound('request_welcome', {}), 'request_welcome')).toEqual({ type: 'request_welcome' });
  });

  it('reads unsupported messages with their errors, the legacy `unknown` type, and keeps new types raw', () => {
    const errors = [
      {
        code: 131051,
        title: 'Message type unknown',
        message: 'Message type unknown',
        error_data: { details: 'Message type is currently not supported.' },
      },
    ];
    const unsupported = inboundEvent({ ...inbound('unsupported', { type: 'poll_creation' }), errors });
    expect(unsupported.content).toEqual({ type: 'unsupported', unsupportedType: 'poll_creation' });
    expect(unsupported.errors).toEqual([
      {
        code: 131051,
        title: 'Message type unknown',
        message: 'Message type unknown',
        details: 'Message type is currently not supported.',
        href: undefined,
      },
    ]);

    const legacy = inboundEvent({
      from: '1',
      id: 'wamid.l',
      timestamp: '1',
      type: 'unknown',
      errors: [{ code: 131051, details: 'Message type is not currently supported', title: 'Unsupported message type' }],
    });
    expect(legacy.messageType).toBe('unknown');
    expect(legacy.content).toEqual({ type: 'unsupported', unsupportedType: undefined });
    expect(legacy.errors[0]?.details).toBe('Message type is not currently supported');

    const brandNew = inboundEvent(inbound('poll', { question: 'Q?' }));
    expect(brandNew).toMatchObject({ messageType: 'poll', content: { type: 'unknown' }, raw: { poll: { question: 'Q?' } } });
  });

  it('does not follow a wire type into Object.prototype', () => {
    expect(inboundEvent({ from: '1', id: 'wamid.p', timestamp: '1', type: 'constructor' }).content).toEqual({ type: 'unknown' });
  });
});
