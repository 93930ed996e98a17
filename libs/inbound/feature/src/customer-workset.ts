import { ContactMerge, conversationKey, ConversationState, CustomerMessage, emptyProjection, namedIdentities, Placement, placeMessage, planMessage } from '@wahooks/inbound-domain';
import type { SqlTx } from '@wahooks/prisma';

import type { ContactRepository } from './contact.repository';
import { conversationIdOf, type ConversationRepository } from './conversation.repository';
import type { InboundMessageRepository } from './inbound-message.repository';

interface ConversationRef {
  phoneNumberId: string;
  contactId: string;
}

/**
 * The part of one tenant's contacts and conversations a batch touches:
 * loaded from Postgres as its messages need it, changed by the domain's
 * `placeMessage` (the same code the property tests run), written back by
 * `flush` in the batch's transaction. A message that joins two contacts
 * needs every conversation of the one that goes (a query off the hot path,
 * as merges are rare); otherwise loads are by primary key.
 */
export class CustomerWorkset {
  private readonly projection = emptyProjection();
  private readonly loadedContacts = new Set<string>();
  private readonly loadedConversations = new Set<string>();
  /** Contacts whose every conversation is in the working set. */
  private readonly fullyLoaded = new Set<string>();
  private readonly contactPositions = new Map<string, bigint>();
  private readonly conversationPositions = new Map<string, { ref: ConversationRef; position: bigint }>();
  private readonly newIdentities = new Set<string>();
  private readonly merges: ContactMerge[] = [];

  constructor(
    private readonly tx: SqlTx,
    private readonly tenantId: string,
    private readonly contacts: ContactRepository,
    private readonly conversations: ConversationRepository,
    private readonly messages: InboundMessageRepository,
  ) {}

  /** Which contact every identity of the batch belongs to: one query for the batch. */
  async loadAliases(messages: readonly CustomerMessage[]): Promise<void> {
    const known = await this.contacts.aliases(this.tx, this.tenantId, [...new Set(messages.flatMap(namedIdentities))]);
    for (const [identity, contactId] of known) this.projection.aliases.set(identity, contactId);
  }

  async place(m: CustomerMessage, position: bigint): Promise<Placement> {
    const p = this.projection;
    await this.loadContacts(namedIdentities(m).flatMap((i) => p.aliases.get(i) ?? []));
    const plan = planMessage(p, m);
    const into = plan.contact.contactId;
    // A merge needs every conversation of the contacts that go, and the ones they join on the same numbers.
    await this.loadAllConversationsOf(plan.absorbed);
    const phones = plan.absorbed.length === 0 ? [] : [...p.conversations.values()].filter((c) => plan.absorbed.includes(c.contactId)).map((c) => c.phoneNumberId);
    await this.loadConversations([...new Set([m.phoneNumberId, ...phones])].map((phoneNumberId) => ({ phoneNumberId, contactId: into })));

    const placed = placeMessage(p, m);
    this.loadedContacts.add(into);
    for (const merge of placed.merges) {
      this.merges.push(merge);
      this.contactPositions.set(merge.from, position);
      for (const phoneNumberId of merge.phoneNumberIds) {
        this.touch({ phoneNumberId, contactId: merge.from }, position);
        this.touch({ phoneNumberId, contactId: merge.into }, position);
      }
    }
    this.contactPositions.set(into, position);
    this.touch({ phoneNumberId: m.phoneNumberId, contactId: into }, position);
    placed.newLinks.forEach((i) => this.newIdentities.add(i));
    return placed;
  }

  /**
   * Writes what changed: merges first (identities and message rows move to
   * the contact that stays, in order, as a later merge may move them again),
   * then contacts and conversations as they ended (those merged away are
   * deleted), then the identities seen for the first time.
   */
  async flush(): Promise<void> {
    const { tx, tenantId } = this;
    for (const merge of this.merges) {
      await this.contacts.repoint(tx, tenantId, merge.from, merge.into);
      const moves = merge.phoneNumberIds.map((phone) => ({ from: conversationIdOf(phone, merge.from), into: conversationIdOf(phone, merge.into) }));
      await this.messages.move(tx, tenantId, merge.into, moves);
    }
    const contacts = [...this.contactPositions];
    await this.contacts.delete(tx, tenantId, contacts.filter(([id]) => !this.projection.contacts.has(id)).map(([id]) => id));
    await this.contacts.upsert(
      tx,
      contacts.flatMap(([id, lastPosition]) => {
        const state = this.projection.contacts.get(id);
        return state ? [{ tenantId, state, lastPosition }] : [];
      }),
    );
    const conversations = [...this.conversationPositions];
    await this.conversations.delete(tx, tenantId, conversations.filter(([key]) => !this.projection.conversations.has(key)).map(([, c]) => conversationIdOf(c.ref.phoneNumberId, c.ref.contactId)));
    await this.conversations.upsert(
      tx,
      conversations.flatMap(([key, { ref, position }]) => {
        const conv = this.projection.conversations.get(key);
        return conv ? [{ tenantId, conversationId: conversationIdOf(ref.phoneNumberId, ref.contactId), ...ref, state: conv.state, lastPosition: position }] : [];
      }),
    );
    const links = [...this.newIdentities].map((identity) => ({ identity, contactId: this.projection.aliases.get(identity) as string }));
    await this.contacts.link(tx, tenantId, links);
  }

  private touch(ref: ConversationRef, position: bigint): void {
    this.conversationPositions.set(conversationKey(ref.phoneNumberId, ref.contactId), { ref, position });
  }

  private async loadContacts(ids: string[]): Promise<void> {
    const missing = [...new Set(ids)].filter((id) => !this.loadedContacts.has(id));
    for (const c of await this.contacts.loadMany(this.tx, this.tenantId, missing)) this.projection.contacts.set(c.state.contactId, c.state);
    missing.forEach((id) => this.loadedContacts.add(id));
  }

  private async loadConversations(refs: ConversationRef[]): Promise<void> {
    const missing = refs.filter((r) => !this.loadedConversations.has(conversationKey(r.phoneNumberId, r.contactId)));
    this.keep(await this.conversations.loadMany(this.tx, this.tenantId, missing));
    missing.forEach((r) => this.loadedConversations.add(conversationKey(r.phoneNumberId, r.contactId)));
  }

  private async loadAllConversationsOf(contactIds: readonly string[]): Promise<void> {
    const missing = contactIds.filter((id) => !this.fullyLoaded.has(id));
    if (missing.length === 0) return;
    this.keep(await this.conversations.ofContacts(this.tx, this.tenantId, missing));
    missing.forEach((id) => this.fullyLoaded.add(id));
  }

  /** Rows from the database, unless the working set already has (a newer state of) them. */
  private keep(rows: ReadonlyArray<{ phoneNumberId: string; contactId: string; state: ConversationState }>): void {
    for (const r of rows) {
      const key = conversationKey(r.phoneNumberId, r.contactId);
      if (this.loadedConversations.has(key)) continue;
      this.loadedConversations.add(key);
      this.projection.conversations.set(key, { phoneNumberId: r.phoneNumberId, contactId: r.contactId, state: r.state });
    }
  }
}
