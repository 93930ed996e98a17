import { ContactObservation, ContactState, evolveContact, identitiesOf, initialContact, mergeContacts, Sender, waIdentity } from './contact';
import { contextOf, ConversationState, evolveConversation, initialConversation, mergeConversations, MessageContext } from './conversation';

/**
 * Where a customer message goes: which contact, which conversation, and
 * which contacts it shows to be one customer. Meta does not order webhooks,
 * so a message from a customer's new number may come before the
 * `user_changed_number` notice that names it; the two numbers then start as
 * two contacts and the notice joins them. Every identity a message names
 * (sender, and a notice's new `wa_id`) ends in one contact, so contacts are
 * the connected components of "named in the same message", a function of
 * the set of messages; contact and conversation folds join (mergeContacts,
 * mergeConversations) to what folding everything into one would give.
 */

/** A conversation fold with what it belongs to; its id is derived from both. */
export interface ConversationRecord {
  readonly phoneNumberId: string;
  readonly contactId: string;
  readonly state: ConversationState;
}

/**
 * The part of the projection messages can touch: identity → contact id,
 * contacts, and conversations by `conversationKey`. The feature lib loads
 * the part a batch needs from Postgres (every contact a message names, all
 * conversations of a contact it joins to another); tests hold a whole
 * projection. `placeMessage` changes it in place.
 */
export interface CustomerProjection {
  readonly aliases: Map<string, string>;
  readonly contacts: Map<string, ContactState>;
  readonly conversations: Map<string, ConversationRecord>;
}

export const emptyProjection = (): CustomerProjection => ({ aliases: new Map(), contacts: new Map(), conversations: new Map() });

export const conversationKey = (phoneNumberId: string, contactId: string): string => `${phoneNumberId}\u0000${contactId}`;

/** A customer message as the projection sees it (Meta time; the event store has removed duplicates). */
export interface CustomerMessage {
  readonly wamid: string;
  readonly atMs: number;
  readonly phoneNumberId: string;
  readonly sender: Sender;
  /** What a `system` notice says about its sender. */
  readonly notice: { readonly type: 'number-changed'; readonly newWaId: string } | { readonly type: 'identity-changed'; readonly hash: string | undefined } | undefined;
  readonly opensWindow: boolean;
  readonly entryPoint: boolean;
}

/** Every identity the message names: the sender's, then a number change's new `wa_id`. */
export function namedIdentities(m: Pick<CustomerMessage, 'sender' | 'notice'>): string[] {
  return [...new Set([...identitiesOf(m.sender), ...(m.notice?.type === 'number-changed' ? [waIdentity(m.notice.newWaId)] : [])])];
}

export function observationsOf(m: CustomerMessage): ContactObservation[] {
  const { atMs, wamid } = m;
  const out: ContactObservation[] = [{ type: 'message', sender: m.sender, atMs, wamid }];
  if (m.notice?.type === 'number-changed') out.push({ type: 'number-changed', fromWaId: m.sender.waId, toWaId: m.notice.newWaId, atMs, wamid });
  if (m.notice?.type === 'identity-changed') out.push({ type: 'identity-changed', hash: m.notice.hash, atMs, wamid });
  return out;
}

export interface MessagePlan {
  readonly named: readonly string[];
  /** The contacts named identities already belong to, in the order the identities come. */
  readonly matched: readonly string[];
  /** The contact after this message: matched contacts joined, the message folded in. */
  readonly contact: ContactState;
  /** Matched contacts whose id is not the result's: they are joined into it and their id goes. */
  readonly absorbed: readonly string[];
}

/**
 * What placing the message would do, without doing it: needs the matched
 * contacts in `p.contacts` (so the feature lib loads them first, then the
 * conversations of `absorbed`). A message naming no identity at all is a
 * contact of its own, `anon:<wamid>`.
 */
export function planMessage(p: CustomerProjection, m: CustomerMessage): MessagePlan {
  const named = namedIdentities(m);
  const matched = [...new Set(named.flatMap((i) => p.aliases.get(i) ?? []))];
  const joined = matched.length === 0 ? initialContact(named[0] ?? `anon:${m.wamid}`) : matched.map((id) => p.contacts.get(id) ?? initialContact(id)).reduce(mergeContacts);
  const contact = observationsOf(m).reduce(evolveContact, joined);
  return { named, matched, contact, absorbed: matched.filter((id) => id !== contact.contactId) };
}

/** A contact joined into another: its identities, and its conversations per business number, are now `into`'s. */
export interface ContactMerge {
  readonly from: string;
  readonly into: string;
  readonly phoneNumberIds: readonly string[];
}

export interface Placement {
  readonly contactId: string;
  readonly contact: ContactState;
  readonly conversation: ConversationRecord;
  /** The message in its conversation, given what was known before it. */
  readonly context: MessageContext;
  /** Identities seen for the first time. */
  readonly newLinks: readonly string[];
  /** In order; a later merge may move what an earlier one moved. */
  readonly merges: readonly ContactMerge[];
}

/** Places the message, joining the contacts (and their conversations) it shows to be one customer. */
export function placeMessage(p: CustomerProjection, m: CustomerMessage): Placement {
  const plan = planMessage(p, m);
  const contactId = plan.contact.contactId;
  const merges = plan.absorbed.map((from) => absorb(p, from, contactId));
  p.contacts.set(contactId, plan.contact);
  const newLinks = plan.named.filter((i) => !p.aliases.has(i));
  for (const i of plan.named) p.aliases.set(i, contactId);
  const key = conversationKey(m.phoneNumberId, contactId);
  const before = p.conversations.get(key)?.state ?? initialConversation;
  const fact = { wamid: m.wamid, atMs: m.atMs, opensWindow: m.opensWindow, entryPoint: m.entryPoint };
  const conversation = { phoneNumberId: m.phoneNumberId, contactId, state: evolveConversation(before, fact) };
  p.conversations.set(key, conversation);
  return { contactId, contact: plan.contact, conversation, context: contextOf(before, fact), newLinks, merges };
}

function absorb(p: CustomerProjection, from: string, into: string): ContactMerge {
  p.contacts.delete(from);
  for (const [identity, contactId] of p.aliases) if (contactId === from) p.aliases.set(identity, into);
  const phoneNumberIds: string[] = [];
  for (const [key, conv] of [...p.conversations]) {
    if (conv.contactId !== from) continue;
    const target = conversationKey(conv.phoneNumberId, into);
    const existing = p.conversations.get(target);
    p.conversations.delete(key);
    p.conversations.set(target, { phoneNumberId: conv.phoneNumberId, contactId: into, state: existing ? mergeConversations(existing.state, conv.state) : conv.state });
    phoneNumberIds.push(conv.phoneNumberId);
  }
  return { from, into, phoneNumberIds: phoneNumberIds.sort() };
}
