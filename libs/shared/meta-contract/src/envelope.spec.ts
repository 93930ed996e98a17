import { asEnvelope, parseWebhookBody } from './envelope';
import { entryRoutingKeys, splitEnvelopeByEntries } from './routing';

describe('parseWebhookBody', () => {
  it('parses a Buffer or a string into the envelope as sent', () => {
    const body = '{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[]}]}';
    for (const raw of [body, Buffer.from(body)]) {
      const parsed = parseWebhookBody(raw);
      expect(parsed).toEqual({ ok: true, envelope: JSON.parse(body) });
    }
  });

  it('accepts an envelope without `object` (some sources omit it)', () => {
    const parsed = parseWebhookBody('{"entry":[]}');
    expect(parsed.ok && parsed.envelope.object).toBeUndefined();
    expect(parsed.ok).toBe(true);
  });

  it.each(['', '{', 'not json', '{"entry":[]}garbage'])('reports MALFORMED_JSON for %j', (body) => {
    const parsed = parseWebhookBody(body);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) {
      expect(parsed.error.code).toBe('MALFORMED_JSON');
      expect(parsed.error.message).toMatch(/not valid JSON/);
    }
  });

  it('reports MALFORMED_JSON for a UTF-8 byte-order mark, which JSON does not allow and Meta does not send', () => {
    const parsed = parseWebhookBody(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"entry":[]}')]));
    expect(!parsed.ok && parsed.error.code).toBe('MALFORMED_JSON');
  });

  it.each([
    ['null', /top-level value is null/],
    ['[]', /top-level value is an array/],
    ['"text"', /top-level value is a string/],
    ['{}', /"entry" is missing/],
    ['{"entry":{}}', /"entry" is an object, not an array/],
    ['{"entry":[{"id":"1"},3]}', /entry\[1\] is a number/],
    ['{"entry":[null]}', /entry\[0\] is null/],
  ])('reports NOT_AN_ENVELOPE for %s', (body, message) => {
    const parsed = parseWebhookBody(body);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) {
      expect(parsed.error.code).toBe('NOT_AN_ENVELOPE');
      expect(parsed.error.message).toMatch(message);
    }
  });

  it('keeps unknown members untouched', () => {
    const parsed = asEnvelope({ entry: [{ id: '1', extra: { deep: [1, 2] } }], trace: 'x' });
    expect(parsed.ok && parsed.envelope['trace']).toBe('x');
    expect(parsed.ok && parsed.envelope.entry[0]?.['extra']).toEqual({ deep: [1, 2] });
  });
});

describe('entryRoutingKeys', () => {
  it('takes the WABA id from entry.id and phone number ids from each change, deduplicated', () => {
    const entry = {
      id: '102290129340398',
      changes: [
        { field: 'messages', value: { metadata: { phone_number_id: '111' } } },
        { field: 'messages', value: { metadata: { phone_number_id: '222' } } },
        { field: 'messages', value: { metadata: { phone_number_id: '111' } } },
        { field: 'message_template_status_update', value: { event: 'APPROVED' } },
      ],
    };
    expect(entryRoutingKeys(entry)).toEqual({ wabaId: '102290129340398', phoneNumberIds: ['111', '222'] });
  });

  it('returns an empty WABA id and no phone numbers for an empty entry', () => {
    expect(entryRoutingKeys({})).toEqual({ wabaId: '', phoneNumberIds: [] });
  });

  it('tolerates junk where changes, values and metadata should be', () => {
    expect(
      entryRoutingKeys({
        id: 42,
        changes: [null, 3, { value: null }, { value: { metadata: 'x' } }, { value: { metadata: { phone_number_id: '' } } }],
      }),
    ).toEqual({
      wabaId: '42',
      phoneNumberIds: [],
    });
    expect(entryRoutingKeys({ id: { nested: true }, changes: 'nope' })).toEqual({ wabaId: '', phoneNumberIds: [] });
  });
});

describe('splitEnvelopeByEntries', () => {
  const envelope = (() => {
    const parsed = asEnvelope({
      object: 'whatsapp_business_account',
      entry: [{ id: 'a', changes: [] }, { id: 'b', changes: [{ field: 'messages', value: { text: 'äöå 😀' } }] }, { id: 'c' }],
      extra: 1,
    });
    if (!parsed.ok) throw new Error(parsed.error.message);
    return parsed.envelope;
  })();

  it('keeps only the selected entries, in delivery order, each once', () => {
    const sub = JSON.parse(splitEnvelopeByEntries(envelope, [2, 0, 2]));
    expect(sub).toEqual({ object: 'whatsapp_business_account', entry: [{ id: 'a', changes: [] }, { id: 'c' }], extra: 1 });
    expect(Object.keys(sub)).toEqual(['object', 'entry', 'extra']);
  });

  it('writes non-ASCII as lowercase \\u escapes like Meta, and the content survives', () => {
    const json = splitEnvelopeByEntries(envelope, [1]);
    expect(json).toMatch(/^[\x20-\x7e]*$/);
    expect(json).toContain('\\u00e4\\u00f6\\u00e5 \\ud83d\\ude00');
    expect(JSON.parse(json).entry[0].changes[0].value.text).toBe('äöå 😀');
  });

  it('throws a RangeError for an index that is not an entry', () => {
    expect(() => splitEnvelopeByEntries(envelope, [3])).toThrow(RangeError);
    expect(() => splitEnvelopeByEntries(envelope, [-1])).toThrow(RangeError);
    expect(() => splitEnvelopeByEntries(envelope, [0.5])).toThrow(RangeError);
  });
});
