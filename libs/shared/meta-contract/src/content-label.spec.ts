import { contentLabel, contentTokens } from './content-label';
import type { Envelope } from './envelope';

const envelope = (...changes: unknown[]): Envelope => ({ object: 'whatsapp_business_account', entry: [{ id: '1', changes }] }) as Envelope;
const messaging = (members: Record<string, unknown>) => ({ field: 'messages', value: { messaging_product: 'whatsapp', metadata: { phone_number_id: '1' }, contacts: [], ...members } });

describe('contentLabel', () => {
  it('names each item member of a messaging change, and nothing for its envelope members', () => {
    expect(contentLabel(envelope(messaging({ statuses: [{}] })))).toBe('messages:statuses');
    expect(contentLabel(envelope(messaging({ messages: [{}], errors: [{}] })))).toBe('messages:errors,messages:messages');
  });

  it('names a management field by itself', () => {
    expect(contentLabel(envelope({ field: 'message_template_status_update', value: { event: 'APPROVED', message_template_id: 1 } }))).toBe('message_template_status_update');
  });

  it('says "look inside" for a change it cannot read', () => {
    expect(contentLabel(envelope({ value: {} }))).toBe('?');
    expect(contentLabel(envelope({ field: 'messages', value: 'x' }))).toBe('?');
    expect(contentLabel({ object: 'x', entry: [{ id: '1' }] } as unknown as Envelope)).toBe('?');
  });

  it('labels only the given entries, distinct and sorted', () => {
    const e = { object: 'whatsapp_business_account', entry: [{ id: '1', changes: [messaging({ statuses: [] })] }, { id: '2', changes: [messaging({ messages: [] }), messaging({ statuses: [] })] }] } as unknown as Envelope;
    expect(contentLabel(e, [1])).toBe('messages:messages,messages:statuses');
    expect(contentLabel(e, [0])).toBe('messages:statuses');
    expect(contentTokens(contentLabel(e))).toEqual(['messages:messages', 'messages:statuses']);
    expect(contentTokens(undefined)).toBeUndefined();
  });
});
