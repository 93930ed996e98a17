import { normalizeEnvelope } from './normalize';
import {
  changeOf,
  entryOf,
  envelopeOf,
  inbound,
  messagingValue,
  normalizeChange,
  normalizeJson,
  only,
  PHONE_NUMBER_ID,
  WABA_ID,
} from './testing/envelope-builders';

describe('delivery structure', () => {
  it('walks every entry, change and item, with coordinates, in delivery order', () => {
    const events = normalizeEnvelope(
      envelopeOf([
        entryOf([
          changeOf('messages', messagingValue({ messages: [inbound('text', { body: '1' }, { id: 'wamid.1' })] })),
          changeOf(
            'messages',
            messagingValue({
              messages: [inbound('text', { body: '2' }, { id: 'wamid.2' }), inbound('text', { body: '3' }, { id: 'wamid.3' })],
            }),
          ),
        ]),
        entryOf([changeOf('message_template_status_update', { event: 'APPROVED' })], { id: 'other-waba', time: 1751247548 }),
      ]),
    );
    expect(events.map((e) => [e.kind, e.wabaId, e.entryIndex, e.changeIndex, e.itemIndex])).toEqual([
      ['message.inbound', WABA_ID, 0, 0, 0],
      ['message.inbound', WABA_ID, 0, 1, 0],
      ['message.inbound', WABA_ID, 0, 1, 1],
      ['template.status', 'other-waba', 1, 0, undefined],
    ]);
    expect(new Set(events.map((e) => e.idempotencyKey)).size).toBe(4);
  });

  it('yields messages and statuses of one change side by side', () => {
    const events = normalizeChange(
      'messages',
      messagingValue({ messages: [inbound('text', {})], statuses: [{ id: 'wamid.s', status: 'sent', timestamp: '1' }] }),
    );
    expect(events.map((e) => e.kind)).toEqual(['message.inbound', 'message.status']);
  });
});

describe('message.errors', () => {
  const throughput = {
    code: 130429,
    title: 'Rate limit hit',
    message: 'Rate limit hit',
    error_data: { details: 'Cloud API message throughput has been reached.' },
  };

  it('reads out-of-band errors of a messages change with no items', () => {
    const event = only(normalizeChange('messages', messagingValue({ errors: [throughput] })), 'message.errors');
    expect(event).toMatchObject({
      field: 'messages',
      phoneNumberId: PHONE_NUMBER_ID,
      relatedIds: [],
      errors: [{ code: 130429, details: 'Cloud API message throughput has been reached.' }],
    });
  });

  it('is emitted beside items too, naming them, since Meta does not pin it on one', () => {
    const events = normalizeChange(
      'messages',
      messagingValue({
        messages: [{ from: '1', id: 'wamid.w', timestamp: '1', type: 'interactive' }],
        errors: [{ code: 131000, title: 'Something went wrong' }],
      }),
    );
    expect(events.map((e) => e.kind)).toEqual(['message.inbound', 'message.errors']);
    expect(only(events, 'message.errors').relatedIds).toEqual(['wamid.w']);
  });
});

describe('the unknown-shape policy: nothing is dropped', () => {
  it('keeps a field this library does not model', () => {
    expect(normalizeChange('business_status_update', { events: [1] })).toMatchObject([
      {
        kind: 'unknown',
        reason: 'unmodelled_field',
        field: 'business_status_update',
        detail: 'business_status_update is not modelled',
        raw: { events: [1] },
      },
    ]);
    expect(normalizeChange('brand_new_field', {})).toMatchObject([
      { kind: 'unknown', reason: 'unmodelled_field', detail: 'unknown field brand_new_field' },
    ]);
  });

  it('surfaces unknown members of a messaging value next to the typed events', () => {
    const events = normalizeChange('messages', messagingValue({ messages: [inbound('text', {})], reactions_v2: [{ id: 1 }] }));
    expect(events.map((e) => e.kind)).toEqual(['message.inbound', 'unknown']);
    expect(events[1]).toMatchObject({ reason: 'unrecognised_keys', detail: 'reactions_v2', raw: { reactions_v2: [{ id: 1 }] } });
  });

  it('keeps an empty messaging change', () => {
    expect(normalizeChange('messages', messagingValue({ messages: [] }))).toMatchObject([
      { kind: 'unknown', reason: 'empty_change' },
    ]);
  });

  it('contains a failure inside one change to that change', () => {
    // Not reachable from parsed JSON; a throwing getter stands in for a bug.
    const value = messagingValue({});
    Object.defineProperty(value, 'messages', {
      enumerable: true,
      get: () => {
        throw new Error('boom');
      },
    });
    const events = normalizeEnvelope(
      envelopeOf([
        entryOf([changeOf('messages', value), changeOf('messages', messagingValue({ messages: [inbound('text', {})] }))]),
      ]),
    );
    expect(events.map((e) => e.kind)).toEqual(['unknown', 'message.inbound']);
    expect(events[0]).toMatchObject({ reason: 'normalizer_error', detail: 'boom', changeIndex: 0 });
  });

  it('keeps malformed entries and changes', () => {
    const events = normalizeJson({
      entry: [
        { id: 'w1', messaging: [{ sender: {} }] },
        { id: 'w2', time: 5, changes: [7, { value: {} }, { field: 'messages', value: 'x' }] },
      ],
    });
    expect(events.map((e) => e.kind === 'unknown' && [e.reason, e.wabaId, e.entryIndex, e.changeIndex, e.field])).toEqual([
      ['entry_without_changes', 'w1', 0, undefined, undefined],
      ['change_not_object', 'w2', 1, 0, undefined],
      ['missing_field', 'w2', 1, 1, undefined],
      ['value_not_object', 'w2', 1, 2, 'messages'],
    ]);
  });
});
