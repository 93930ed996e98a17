import { inbound, messagingValue, normalizeChange, only } from './testing/envelope-builders';

describe('calls', () => {
  const contacts = [{ profile: { name: 'Test Name' }, wa_id: '972987654321' }];

  it('reads connect with its SDP session and the user contact', () => {
    const event = only(
      normalizeChange(
        'calls',
        messagingValue({
          contacts,
          calls: [
            {
              id: 'wacid.1',
              from: '972987654321',
              to: '16315553601',
              event: 'connect',
              timestamp: '1752583107',
              direction: 'USER_INITIATED',
              session: { sdp: 'v=0', sdp_type: 'offer' },
            },
          ],
        }),
      ),
      'calls',
    );
    expect(event).toMatchObject({
      callId: 'wacid.1',
      callEvent: 'connect',
      direction: 'USER_INITIATED',
      timestamp: 1752583107,
      session: { sdp: 'v=0', sdpType: 'offer' },
      contact: { waId: '972987654321' },
    });
  });

  it('reads terminate with its duration, and the change-level errors beside it', () => {
    const events = normalizeChange(
      'calls',
      messagingValue({
        calls: [
          {
            id: 'wacid.2',
            event: 'terminate',
            status: 'FAILED',
            start_time: '1671644824',
            end_time: '1671644944',
            duration: 120,
            timestamp: '1671644824',
          },
        ],
        errors: [{ code: 12455, message: 'ERROR_TITLE', href: 'ERROR_HREF', error_data: { details: 'ERROR_DETAILS' } }],
      }),
    );
    expect(only(events, 'calls')).toMatchObject({
      callEvent: 'terminate',
      status: 'FAILED',
      startTime: 1671644824,
      endTime: 1671644944,
      durationSeconds: 120,
    });
    expect(only(events, 'message.errors')).toMatchObject({
      field: 'calls',
      relatedIds: ['wacid.2'],
      errors: [{ code: 12455, title: undefined, message: 'ERROR_TITLE', href: 'ERROR_HREF' }],
    });
  });

  it('reads call statuses and keys them per (call, status)', () => {
    const statusOf = (status: string) =>
      only(
        normalizeChange(
          'calls',
          messagingValue({ statuses: [{ id: 'wacid.3', type: 'call', status, timestamp: '1', recipient_id: '1631' }] }),
        ),
        'calls',
      );
    expect(statusOf('RINGING')).toMatchObject({
      callEvent: 'status',
      status: 'RINGING',
      rawEvent: 'RINGING',
      recipientId: '1631',
    });
    expect(statusOf('RINGING').idempotencyKey).not.toBe(statusOf('ACCEPTED').idempotencyKey);
  });
});

describe('message.echo', () => {
  it('reads what the business sent from the Business app, including BSUID recipients', () => {
    const event = only(
      normalizeChange(
        'smb_message_echoes',
        messagingValue({
          message_echoes: [
            {
              from: '15550783881',
              to: '16505551234',
              to_user_id: 'US.9',
              id: 'wamid.e',
              timestamp: '1697043223',
              type: 'text',
              text: { body: 'Test message' },
            },
          ],
        }),
      ),
      'message.echo',
    );
    expect(event).toMatchObject({
      wamid: 'wamid.e',
      from: '15550783881',
      to: '16505551234',
      toUserId: 'US.9',
      content: { type: 'text', body: 'Test message' },
    });
  });

  it('is keyed apart from an inbound message with the same wamid', () => {
    const echo = only(
      normalizeChange('smb_message_echoes', messagingValue({ message_echoes: [inbound('text', {}, { id: 'wamid.same' })] })),
      'message.echo',
    );
    const received = only(
      normalizeChange('messages', messagingValue({ messages: [inbound('text', {}, { id: 'wamid.same' })] })),
      'message.inbound',
    );
    expect(echo.idempotencyKey).not.toBe(received.idempotencyKey);
  });
});

describe('history', () => {
  it('reads a chunk: phase, order, progress, threads with parsed messages', () => {
    const event = only(
      normalizeChange(
        'history',
        messagingValue({
          history: [
            {
              metadata: { phase: 0, chunk_order: 1, progress: 55 },
              threads: [
                {
                  id: '16505551234',
                  messages: [
                    {
                      from: '15550783881',
                      id: 'wamid.h1',
                      timestamp: '1739230955',
                      type: 'text',
                      text: { body: 'info' },
                      history_context: { status: 'READ' },
                    },
                    {
                      from: '15550783881',
                      id: 'wamid.h2',
                      timestamp: '1739230970',
                      type: 'media_placeholder',
                      history_context: { status: 'PLAYED' },
                    },
                  ],
                },
              ],
            },
          ],
        }),
      ),
      'history',
    );
    if (event.variant !== 'chunk') throw new Error('expected a chunk');
    expect(event).toMatchObject({ phase: 0, chunkOrder: 1, progress: 55, errors: [] });
    expect(event.threads[0]?.threadId).toBe('16505551234');
    expect(event.threads[0]?.messages.map((m) => [m.wamid, m.messageType, m.content.type, m.status])).toEqual([
      ['wamid.h1', 'text', 'text', 'READ'],
      ['wamid.h2', 'media_placeholder', 'media_placeholder', 'PLAYED'],
    ]);
  });

  it('reads a declined sync as a chunk with errors', () => {
    const event = only(
      normalizeChange(
        'history',
        messagingValue({ history: [{ errors: [{ code: 2593109, title: 'History sync is turned off' }] }] }),
      ),
      'history',
    );
    expect(event).toMatchObject({ variant: 'chunk', threads: [], errors: [{ code: 2593109 }] });
  });

  it('reads the media follow-up as history, never as a new inbound message', () => {
    const events = normalizeChange(
      'history',
      messagingValue({ messages: [inbound('image', { id: '2423', mime_type: 'image/jpeg' }, { id: 'wamid.h2' })] }),
    );
    expect(events.map((e) => e.kind)).toEqual(['history']);
    expect(only(events, 'history')).toMatchObject({
      variant: 'media',
      message: { wamid: 'wamid.h2', content: { type: 'image', media: { id: '2423' } } },
    });
  });
});

describe('user_preferences', () => {
  it.each([
    ['stop', 'stop'],
    ['resume', 'resume'],
    ['signup', 'signup'],
    ['bla', 'unknown'],
  ] as const)('reads value %s as %s', (value, preference) => {
    const event = only(
      normalizeChange(
        'user_preferences',
        messagingValue({
          user_preferences: [{ wa_id: '16505551234', detail: 'd', category: 'marketing_messages', value, timestamp: 1731705721 }],
        }),
      ),
      'user_preferences',
    );
    expect(event).toMatchObject({
      waId: '16505551234',
      category: 'marketing_messages',
      preference,
      rawValue: value,
      timestamp: 1731705721,
    });
  });
});

describe('groups', () => {
  it.each([
    ['group_lifecycle_update', 'group.lifecycle'],
    ['group_participants_update', 'group.participants'],
    ['group_settings_update', 'group.settings'],
    ['group_status_update', 'group.status'],
  ] as const)('reads %s items as %s', (field, kind) => {
    const item = { timestamp: '1750269342', group_id: 'Y2Fw', type: 'group_create', request_id: '784D' };
    expect(only(normalizeChange(field, messagingValue({ groups: [item] })), kind)).toMatchObject({
      groupId: 'Y2Fw',
      groupEventType: 'group_create',
      timestamp: 1750269342,
      requestId: '784D',
      raw: item,
    });
  });
});
