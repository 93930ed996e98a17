import type { ContactSyncEvent, MetaEvent } from '@wahooks/meta-contract';
import { normalizeEnvelope, parseWebhookBody } from '@wahooks/meta-contract';
import { loadFixtures } from '@wahooks/testing';

import { ContactSyncedData, contactSyncedEvent, contactSyncMetaKey, contactSyncStoreKey, InboundEventTypes, syncTimeMs } from './inbound-events.mapper';

const metadata = { deliveryId: 'd-1', source: { topic: 'raw', partition: 0, offset: '7' } };

function syncsOf(body: string | Buffer): ContactSyncEvent[] {
  const parsed = parseWebhookBody(body);
  if (!parsed.ok) throw new Error(parsed.error.message);
  return normalizeEnvelope(parsed.envelope).filter((e: MetaEvent): e is ContactSyncEvent => e.kind === 'contact.sync');
}

const envelope = (items: unknown[], phoneNumberId = '106540352242922') =>
  JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [{ id: '102290129340398', changes: [{ field: 'smb_app_state_sync', value: { messaging_product: 'whatsapp', metadata: { display_phone_number: '15550783881', phone_number_id: phoneNumberId }, state_sync: items } }] }],
  });

describe('contact.sync → inbound.contact.synced', () => {
  it('maps Meta’s example to an address-book event keyed by the phone-based identity', () => {
    // https://developers.facebook.com/documentation/business-messaging/whatsapp/webhooks/reference/smb_app_state_sync
    const [sync] = syncsOf(envelope([{ type: 'contact', contact: { full_name: 'Pablo Morales', first_name: 'Pablo', phone_number: '16505551234' }, action: 'add', metadata: { timestamp: '1739321024' } }]));
    const event = contactSyncedEvent('acme', sync!, metadata, 1739321030000);
    expect(event).toEqual({
      tenantId: 'acme',
      streamId: 'address-book:wa:16505551234',
      type: InboundEventTypes.contactSynced,
      schemaVersion: 1,
      idempotencyKey: contactSyncStoreKey(sync!.idempotencyKey),
      metadata,
      data: {
        wabaId: '102290129340398',
        phoneNumberId: '106540352242922',
        displayPhoneNumber: '15550783881',
        identity: 'wa:16505551234',
        action: 'add',
        rawAction: 'add',
        phoneNumber: '16505551234',
        userId: null,
        parentUserId: null,
        username: null,
        fullName: 'Pablo Morales',
        firstName: 'Pablo',
        timestamp: 1739321024,
        receivedAtMs: 1739321030000,
      } satisfies ContactSyncedData,
    });
    // Another service storing the same contract event must not collide with ours, and ours names it.
    expect(event.idempotencyKey).not.toBe(sync!.idempotencyKey);
    expect(contactSyncMetaKey(event.idempotencyKey)).toBe(sync!.idempotencyKey);
  });

  it('keys a BSUID-only entry by its BSUID (the real wappa body)', () => {
    const fixture = loadFixtures().find((f) => f.name === 'wappa/bsuid_contract__smb_app_state_sync_username_only_user.json');
    const [sync] = syncsOf(fixture!.body);
    const event = contactSyncedEvent('acme', sync!, metadata, null);
    expect(event.streamId).toBe('address-book:bsuid:CO.2186878922080769');
    expect(event.data).toMatchObject({
      identity: 'bsuid:CO.2186878922080769',
      phoneNumberId: '508386009032748',
      phoneNumber: null,
      userId: 'CO.2186878922080769',
      parentUserId: 'CO.ENT.2186878922080769',
      username: 'sashanicolai',
      fullName: 'Sasha Nicolai Canal',
      firstName: 'Sasha',
      action: 'add',
      timestamp: 1776696189,
    });
  });

  it('keeps a removal without names, an unknown action verbatim, and an entry that names no one', () => {
    const [removal, edit, nobody] = syncsOf(
      envelope([
        { type: 'contact', contact: { phone_number: '16505551234' }, action: 'remove', metadata: { timestamp: '1739321100' } },
        { type: 'contact', contact: { phone_number: '16505551234', full_name: 'P' }, action: 'edit', metadata: { timestamp: '1739321200' } },
        { type: 'contact', contact: { full_name: 'Nobody' }, action: 'add', metadata: { timestamp: '1739321300' } },
      ]),
    ).map((s) => contactSyncedEvent('acme', s, metadata, null));
    expect(removal!.data).toMatchObject({ action: 'remove', identity: 'wa:16505551234', fullName: null, firstName: null });
    expect(edit!.data).toMatchObject({ action: 'unknown', rawAction: 'edit', identity: 'wa:16505551234' });
    expect([nobody!.streamId, (nobody!.data as ContactSyncedData).identity]).toEqual(['address-book:unidentified:106540352242922', null]);
  });

  it('takes Meta’s time, else intake’s receive time, else the store’s', () => {
    const data = (timestamp: number | null, receivedAtMs: number | null) => ({ timestamp, receivedAtMs }) as ContactSyncedData;
    const recordedAt = new Date(5_000);
    expect(syncTimeMs(data(3, 4_000), recordedAt)).toBe(3_000);
    expect(syncTimeMs(data(null, 4_000), recordedAt)).toBe(4_000);
    expect(syncTimeMs(data(null, null), recordedAt)).toBe(5_000);
  });
});
