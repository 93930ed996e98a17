/**
 * Contact identity. A customer is known by a phone-based `wa_id`, a
 * business-scoped user id (BSUID) or both; since the 2026 rollout either may
 * be missing. Identities are strings `wa:<wa_id>` / `bsuid:<user_id>`; every
 * identity a message names belongs to its contact (a number change names the
 * new `wa_id` too), and a contact's id is the first identity of its earliest
 * message by Meta time (`origin`), not of the first to arrive.
 * Field values are stamped with the Meta time of the message that carried
 * them, and the latest stamp wins, so arrival order does not matter; two
 * contacts found to be one customer join with `mergeContacts`, which gives
 * what folding all their messages into one contact would.
 */

export interface Sender {
  readonly waId: string | undefined;
  readonly userId: string | undefined;
  readonly parentUserId: string | undefined;
  readonly username: string | undefined;
  readonly profileName: string | undefined;
  readonly identityKeyHash: string | undefined;
}

export interface Stamped<T> {
  readonly value: T;
  readonly atMs: number;
  readonly wamid: string;
  /** Set by a number change: it wins over any message of the same second (see `newer`). */
  readonly byChange?: true;
}

/** The earliest message (Meta time, then wamid) that named the customer, and the identity it named first. */
export interface ContactOrigin {
  readonly atMs: number;
  readonly wamid: string;
  readonly identity: string;
}

export interface ProfileName {
  readonly name: string;
  readonly firstSeenAtMs: number;
  readonly lastSeenAtMs: number;
}

export interface NumberChange {
  readonly fromWaId: string | null;
  readonly toWaId: string;
  readonly atMs: number;
  readonly wamid: string;
}

export interface ContactState {
  /** `origin.identity`; a contact no message has named yet keeps the id it was created with. */
  readonly contactId: string;
  /** Absent in states written before it existed (ContactRepository fills it in). */
  readonly origin?: ContactOrigin | null;
  readonly waId: Stamped<string> | null;
  readonly userId: Stamped<string> | null;
  readonly parentUserId: Stamped<string> | null;
  readonly username: Stamped<string> | null;
  readonly identityKeyHash: Stamped<string> | null;
  /** Every profile name seen, oldest first. */
  readonly profileNames: readonly ProfileName[];
  readonly numberChanges: readonly NumberChange[];
  readonly identityChanges: ReadonlyArray<{ readonly atMs: number; readonly wamid: string; readonly hash: string | null }>;
  readonly firstSeenAtMs: number | null;
  readonly lastSeenAtMs: number | null;
}

export type ContactObservation =
  | { readonly type: 'message'; readonly sender: Sender; readonly atMs: number; readonly wamid: string }
  | { readonly type: 'number-changed'; readonly fromWaId: string | undefined; readonly toWaId: string; readonly atMs: number; readonly wamid: string }
  | { readonly type: 'identity-changed'; readonly hash: string | undefined; readonly atMs: number; readonly wamid: string };

export const waIdentity = (waId: string): string => `wa:${waId}`;
export const bsuidIdentity = (userId: string): string => `bsuid:${userId}`;

/** The identities a sender names, phone-based first (the id most contacts already have). */
export function identitiesOf(sender: Pick<Sender, 'waId' | 'userId'>): string[] {
  return [sender.waId ? waIdentity(sender.waId) : undefined, sender.userId ? bsuidIdentity(sender.userId) : undefined].filter((x): x is string => !!x);
}

export function initialContact(contactId: string): ContactState {
  return { contactId, origin: null, waId: null, userId: null, parentUserId: null, username: null, identityKeyHash: null, profileNames: [], numberChanges: [], identityChanges: [], firstSeenAtMs: null, lastSeenAtMs: null };
}

type StampKey = Pick<Stamped<unknown>, 'atMs' | 'wamid' | 'byChange'>;
const rank = (s: StampKey): number => (s.byChange ? 1 : 0);

/**
 * A total order on stamps: Meta time, then a number change above any message
 * of the same second, then wamid. A `user_changed_number` notice names the old
 * number as its sender and the new one as its news, and messages of either
 * may share its second: ranking the change first makes the new number win
 * whatever was folded first.
 */
const newer = (a: StampKey, b: StampKey): boolean => (a.atMs !== b.atMs ? a.atMs > b.atMs : rank(a) !== rank(b) ? rank(a) > rank(b) : a.wamid > b.wamid);

function latest(a: Stamped<string> | null, b: Stamped<string> | null): Stamped<string> | null {
  if (a === null) return b;
  return b !== null && newer(b, a) ? b : a;
}

const stamp = (current: Stamped<string> | null, value: string | undefined, atMs: number, wamid: string): Stamped<string> | null => (value ? latest(current, { value, atMs, wamid }) : current);

function earliest(a: ContactOrigin | null, b: ContactOrigin | null): ContactOrigin | null {
  if (a === null) return b;
  return b !== null && (b.atMs < a.atMs || (b.atMs === a.atMs && b.wamid < a.wamid)) ? b : a;
}

const min = (a: number | null, b: number): number => (a === null || b < a ? b : a);
const max = (a: number | null, b: number): number => (a === null || b > a ? b : a);
const minOf = (a: number | null, b: number | null): number | null => (b === null ? a : min(a, b));
const maxOf = (a: number | null, b: number | null): number | null => (b === null ? a : max(a, b));

const byTime = <T extends { atMs: number; wamid: string }>(xs: T[]): T[] => xs.sort((a, b) => a.atMs - b.atMs || (a.wamid < b.wamid ? -1 : 1));

/** Changes of both, once each (a wamid names one notice). */
const unionByWamid = <T extends { atMs: number; wamid: string }>(a: readonly T[], b: readonly T[]): T[] => byTime([...a, ...b.filter((x) => !a.some((y) => y.wamid === x.wamid))]);

const withName = (names: readonly ProfileName[], name: string, atMs: number): ProfileName[] => withNameSeen(names, { name, firstSeenAtMs: atMs, lastSeenAtMs: atMs });

function withNameSeen(names: readonly ProfileName[], seen: ProfileName): ProfileName[] {
  const existing = names.find((n) => n.name === seen.name);
  const rest = names.filter((n) => n.name !== seen.name);
  const entry = existing ? { name: seen.name, firstSeenAtMs: Math.min(existing.firstSeenAtMs, seen.firstSeenAtMs), lastSeenAtMs: Math.max(existing.lastSeenAtMs, seen.lastSeenAtMs) } : seen;
  return [...rest, entry].sort((a, b) => a.firstSeenAtMs - b.firstSeenAtMs || (a.name < b.name ? -1 : 1));
}

export function evolveContact(s: ContactState, o: ContactObservation): ContactState {
  const seen = { ...s, firstSeenAtMs: min(s.firstSeenAtMs, o.atMs), lastSeenAtMs: max(s.lastSeenAtMs, o.atMs) };
  switch (o.type) {
    case 'message': {
      const { sender: x, atMs, wamid } = o;
      const named = identitiesOf(x)[0];
      const origin = named === undefined ? (s.origin ?? null) : earliest(s.origin ?? null, { atMs, wamid, identity: named });
      return {
        ...seen,
        contactId: origin?.identity ?? s.contactId,
        origin,
        waId: stamp(s.waId, x.waId, atMs, wamid),
        userId: stamp(s.userId, x.userId, atMs, wamid),
        parentUserId: stamp(s.parentUserId, x.parentUserId, atMs, wamid),
        username: stamp(s.username, x.username, atMs, wamid),
        identityKeyHash: stamp(s.identityKeyHash, x.identityKeyHash, atMs, wamid),
        profileNames: x.profileName ? withName(s.profileNames, x.profileName, atMs) : s.profileNames,
      };
    }
    case 'number-changed': {
      if (s.numberChanges.some((c) => c.wamid === o.wamid)) return seen;
      const change = { fromWaId: o.fromWaId ?? null, toWaId: o.toWaId, atMs: o.atMs, wamid: o.wamid };
      const waId = latest(s.waId, { value: o.toWaId, atMs: o.atMs, wamid: o.wamid, byChange: true });
      return { ...seen, waId, numberChanges: byTime([...s.numberChanges, change]) };
    }
    case 'identity-changed': {
      if (s.identityChanges.some((c) => c.wamid === o.wamid)) return seen;
      const change = { atMs: o.atMs, wamid: o.wamid, hash: o.hash ?? null };
      return { ...seen, identityChanges: byTime([...s.identityChanges, change]) };
    }
    default: {
      const never: never = o;
      return never;
    }
  }
}

/**
 * One contact from two that turned out to be the same customer (a message
 * named identities of both). Every field is a join (latest stamp, earliest
 * origin, union of names and changes, min and max), so the result is what
 * folding the messages of both into one contact gives, in any order; the id
 * is the merged origin's identity, so the earliest contact's id is kept.
 */
export function mergeContacts(a: ContactState, b: ContactState): ContactState {
  const origin = earliest(a.origin ?? null, b.origin ?? null);
  return {
    contactId: origin?.identity ?? (a.contactId <= b.contactId ? a.contactId : b.contactId),
    origin,
    waId: latest(a.waId, b.waId),
    userId: latest(a.userId, b.userId),
    parentUserId: latest(a.parentUserId, b.parentUserId),
    username: latest(a.username, b.username),
    identityKeyHash: latest(a.identityKeyHash, b.identityKeyHash),
    profileNames: b.profileNames.reduce(withNameSeen, [...a.profileNames]),
    numberChanges: unionByWamid(a.numberChanges, b.numberChanges),
    identityChanges: unionByWamid(a.identityChanges, b.identityChanges),
    firstSeenAtMs: minOf(a.firstSeenAtMs, b.firstSeenAtMs),
    lastSeenAtMs: maxOf(a.lastSeenAtMs, b.lastSeenAtMs),
  };
}

/** The current profile name: the one seen most recently (Meta time). */
export function currentProfileName(s: ContactState): string | null {
  return [...s.profileNames].sort((a, b) => b.lastSeenAtMs - a.lastSeenAtMs || (a.name < b.name ? -1 : 1))[0]?.name ?? null;
}
