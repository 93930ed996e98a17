import { identitiesOf } from './contact';

/**
 * The business's own address book (WhatsApp Business app coexistence,
 * `smb_app_state_sync`): what the business saved a customer as on its phone.
 * Meta sends one sync per entry added, edited (as `add`) or removed, the whole
 * book once after onboarding, in no promised order. One entry per customer
 * identity: the sync with the latest Meta time wins, ties broken by the
 * store's global position, so the entry is the same whatever the arrival
 * order. A removal is kept (`removed`) so that an older `add` arriving late
 * does not bring the entry back.
 */

export type AddressBookAction = 'add' | 'remove';

/** When a sync happened: Meta's time, then the store's global position. */
export interface SyncStamp {
  readonly atMs: number;
  readonly position: bigint;
}

/** One `contact.sync` of a known action, as the fold needs it. */
export interface AddressBookSync extends SyncStamp {
  /** `wa:<phone>`, else `bsuid:<user id>` (see addressBookIdentity). */
  readonly identity: string;
  readonly action: AddressBookAction;
  /** The business number whose app synced it. */
  readonly phoneNumberId: string;
  readonly waId: string | null;
  readonly userId: string | null;
  readonly parentUserId: string | null;
  readonly username: string | null;
  /** Meta sends no names on `remove`. */
  readonly fullName: string | null;
  readonly firstName: string | null;
}

/** The entry as kept: the winning sync (names as it carried them: none for a removal), `removed` for a `remove`. */
export interface AddressBookEntry extends Omit<AddressBookSync, 'action'> {
  readonly removed: boolean;
}

/**
 * The key of an entry: the phone-based identity when the entry has a phone
 * number (most do), else its BSUID, named as contacts name identities.
 * Undefined when the entry names neither.
 */
export function addressBookIdentity(entry: { readonly phoneNumber: string | undefined; readonly userId: string | undefined }): string | undefined {
  return identitiesOf({ waId: entry.phoneNumber, userId: entry.userId })[0];
}

/** A total order on syncs of one entry: Meta time, then global position. */
export const supersedes = (a: SyncStamp, b: SyncStamp): boolean => (a.atMs !== b.atMs ? a.atMs > b.atMs : a.position > b.position);

/** The entry after a sync: the sync when it is the latest, else the entry unchanged. */
export function evolveAddressBookEntry(entry: AddressBookEntry | null, sync: AddressBookSync): AddressBookEntry {
  if (entry !== null && !supersedes(sync, entry)) return entry;
  const { action, ...rest } = sync;
  return { ...rest, removed: action === 'remove' };
}
