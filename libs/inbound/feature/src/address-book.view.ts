import type { AddressBookAction, AddressBookSync } from '@wahooks/inbound-domain';

import type { AddressBookRow } from './address-book.repository';

/**
 * `whatsapp.inbound.contacts.v1` (key = tenant id): the business added,
 * edited (`add` again) or removed an entry of its WhatsApp Business app's
 * address book. Published when it changes what the read API answers, so a
 * consumer that applies the records in order ends where the read API is; a
 * sync older than the one kept is stored but not published.
 */
export interface ContactSyncedV1 {
  schemaVersion: 1;
  type: 'contact.synced';
  tenantId: string;
  /** `wa:<phone>`, else `bsuid:<user id>`: the entry's key, as contacts name identities. */
  identity: string;
  waId: string | null;
  userId: string | null;
  parentUserId: string | null;
  username: string | null;
  /** As the business wrote it; Meta sends none on `remove`. */
  fullName: string | null;
  firstName: string | null;
  action: AddressBookAction;
  /** Meta's time of the change. */
  syncedAt: string;
  /** The business number whose app synced. */
  phoneNumberId: string;
}

export function contactSynced(tenantId: string, s: AddressBookSync): ContactSyncedV1 {
  return {
    schemaVersion: 1,
    type: 'contact.synced',
    tenantId,
    identity: s.identity,
    waId: s.waId,
    userId: s.userId,
    parentUserId: s.parentUserId,
    username: s.username,
    fullName: s.fullName,
    firstName: s.firstName,
    action: s.action,
    syncedAt: new Date(s.atMs).toISOString(),
    phoneNumberId: s.phoneNumberId,
  };
}

/** An entry in the read API (the list, and a contact's `addressBook`). */
export function addressBookView(r: AddressBookRow) {
  return {
    identity: r.identity,
    waId: r.wa_id,
    userId: r.user_id,
    username: r.username,
    fullName: r.full_name,
    firstName: r.first_name,
    removed: r.removed,
    syncedAt: new Date(r.synced_at).toISOString(),
    phoneNumberId: r.phone_number_id,
  };
}
