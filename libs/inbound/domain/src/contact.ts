/**
 * Contact identity. A customer is known by a phone-based `wa_id`, a
 * business-scoped user id (BSUID) or both; since the 2026 rollout either may
 * be missing. Identities are strings `wa:<wa_id>` / `bsuid:<user_id>`; a
 * contact's id is the first identity it was seen with, and every identity
 * seen later is linked to it (a number change links the new `wa_id`).
 * Field values are stamped with the Meta time of the message that carried
 * them, and the latest stamp wins, so arrival order does not matter.
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
  readonly contactId: string;
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

/**
 * Which contact a message belongs to, given the identities already linked
 * (`known`: identity → contact id). A sender with no identity at all gets
 * `fallbackId` (a contact of its own, never merged with anyone).
 */
export function resolveContact(identities: readonly string[], known: ReadonlyMap<string, string>, fallbackId: string): { contactId: string; newLinks: string[] } {
  const found = identities.map((i) => known.get(i)).find((c): c is string => c !== undefined);
  const contactId = found ?? identities[0] ?? fallbackId;
  return { contactId, newLinks: identities.filter((i) => known.get(i) === undefined) };
}

export function initialContact(contactId: string): ContactState {
  return { contactId, waId: null, userId: null, parentUserId: null, username: null, identityKeyHash: null, profileNames: [], numberChanges: [], identityChanges: [], firstSeenAtMs: null, lastSeenAtMs: null };
}

const newer = (a: { atMs: number; wamid: string }, b: { atMs: number; wamid: string }): boolean => a.atMs > b.atMs || (a.atMs === b.atMs && a.wamid > b.wamid);

function stamp(current: Stamped<string> | null, value: string | undefined, atMs: number, wamid: string): Stamped<string> | null {
  if (!value) return current;
  const next = { value, atMs, wamid };
  return current === null || newer(next, current) ? next : current;
}

const min = (a: number | null, b: number): number => (a === null || b < a ? b : a);
const max = (a: number | null, b: number): number => (a === null || b > a ? b : a);

export function evolveContact(s: ContactState, o: ContactObservation): ContactState {
  const seen = { ...s, firstSeenAtMs: min(s.firstSeenAtMs, o.atMs), lastSeenAtMs: max(s.lastSeenAtMs, o.atMs) };
  switch (o.type) {
    case 'message': {
      const { sender: x, atMs, wamid } = o;
      return {
        ...seen,
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
      // The change wins over the same message's own (old) `from`, hence >= rather than stamp().
      const waId = s.waId === null || o.atMs >= s.waId.atMs ? { value: o.toWaId, atMs: o.atMs, wamid: o.wamid } : s.waId;
      return { ...seen, waId, numberChanges: [...s.numberChanges, change].sort((a, b) => a.atMs - b.atMs || (a.wamid < b.wamid ? -1 : 1)) };
    }
    case 'identity-changed': {
      if (s.identityChanges.some((c) => c.wamid === o.wamid)) return seen;
      const change = { atMs: o.atMs, wamid: o.wamid, hash: o.hash ?? null };
      return { ...seen, identityChanges: [...s.identityChanges, change].sort((a, b) => a.atMs - b.atMs || (a.wamid < b.wamid ? -1 : 1)) };
    }
    default: {
      const never: never = o;
      return never;
    }
  }
}

function withName(names: readonly ProfileName[], name: string, atMs: number): ProfileName[] {
  const existing = names.find((n) => n.name === name);
  const rest = names.filter((n) => n.name !== name);
  const entry = existing ? { name, firstSeenAtMs: Math.min(existing.firstSeenAtMs, atMs), lastSeenAtMs: Math.max(existing.lastSeenAtMs, atMs) } : { name, firstSeenAtMs: atMs, lastSeenAtMs: atMs };
  return [...rest, entry].sort((a, b) => a.firstSeenAtMs - b.firstSeenAtMs || (a.name < b.name ? -1 : 1));
}

/** The current profile name: the one seen most recently (Meta time). */
export function currentProfileName(s: ContactState): string | null {
  return [...s.profileNames].sort((a, b) => b.lastSeenAtMs - a.lastSeenAtMs || (a.name < b.name ? -1 : 1))[0]?.name ?? null;
}
