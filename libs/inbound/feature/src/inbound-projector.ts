import { Injectable } from '@nestjs/common';

import type { RecordedEvent } from '@wahooks/event-store';
import { InboundTopics } from '@wahooks/events-contract';
import {
  contextOf,
  ContactObservation,
  currentProfileName,
  evolveContact,
  evolveConversation,
  identitiesOf,
  isEntryPoint,
  mediaOf,
  opensWindow,
  resolveContact,
  Sender,
  waIdentity,
  windowAt,
} from '@wahooks/inbound-domain';
import type { OutboxMessage } from '@wahooks/outbox';
import type { SqlTx } from '@wahooks/prisma';

import { ContactRepository, ProjectedContact } from './contact.repository';
import { ConversationRepository, ProjectedConversation } from './conversation.repository';
import { asMessageData, InboundEventTypes, InboundMessageData, messageTimeMs } from './inbound-events.mapper';
import { InboundMessageRepository, MessageRow } from './inbound-message.repository';
import { customerReplied, InboundMessageV1, toView } from './inbound-message.view';
import { MediaJob, MediaRepository } from './media.repository';

export interface ProjectionResult {
  outbox: OutboxMessage[];
  messages: InboundMessageV1[];
  mediaJobs: number;
}

/**
 * Folds `inbound.message.received` events into contacts, conversations and
 * messages. The same code runs live and in rebuilds (which do not publish).
 * Events are applied in global-position order, so a rebuild meets every
 * message with the same conversation state live processing did.
 */
@Injectable()
export class InboundProjector {
  constructor(
    private readonly contacts: ContactRepository,
    private readonly conversations: ConversationRepository,
    private readonly messages: InboundMessageRepository,
    private readonly media: MediaRepository,
  ) {}

  async apply(tx: SqlTx, events: readonly RecordedEvent[], options: { publish: boolean }): Promise<ProjectionResult> {
    const received = events.filter((e) => e.type === InboundEventTypes.received).sort((a, b) => (a.globalPosition < b.globalPosition ? -1 : 1));
    const byTenant = new Map<string, RecordedEvent[]>();
    for (const e of received) byTenant.set(e.tenantId, [...(byTenant.get(e.tenantId) ?? []), e]);
    const result: ProjectionResult = { outbox: [], messages: [], mediaJobs: 0 };
    for (const [tenantId, tenantEvents] of byTenant) await this.applyTenant(tx, tenantId, tenantEvents, options, result);
    return result;
  }

  private async applyTenant(tx: SqlTx, tenantId: string, candidates: RecordedEvent[], options: { publish: boolean }, out: ProjectionResult): Promise<void> {
    // A wamid names one message for good, but the store's key is scoped by WABA: the same wamid
    // under a second WABA of the tenant (a Meta anomaly, or copied test data) is recorded once.
    const seen = await this.messages.existing(tx, tenantId, candidates.map((e) => asMessageData(e).wamid));
    const events = candidates.filter((e) => {
      const w = asMessageData(e).wamid;
      if (seen.has(w)) return false;
      seen.add(w);
      return true;
    });
    const data = events.map(asMessageData);
    const identities = [...new Set(data.flatMap((d) => [...identitiesOf(senderOf(d)), ...(newWaIdOf(d) ? [waIdentity(newWaIdOf(d) as string)] : [])]))];
    const known = await this.contacts.aliases(tx, tenantId, identities);
    const replyTargets = await this.messages.internalIds(tx, tenantId, [...new Set(data.map((d) => d.context?.id).filter((x): x is string => !!x))]);
    const contacts = new Map<string, ProjectedContact>();
    const conversations = new Map<string, ProjectedConversation>();
    const links: Array<{ identity: string; contactId: string }> = [];
    const rows: MessageRow[] = [];
    const jobs: MediaJob[] = [];

    for (const [i, e] of events.entries()) {
      const d = data[i] as InboundMessageData;
      const time = messageTimeMs(d, e.recordedAt);
      const sender = senderOf(d);
      const resolved = resolveContact(identitiesOf(sender), known, `anon:${d.wamid}`);
      const contactId = resolved.contactId;
      const link = (identity: string) => {
        if (known.has(identity)) return;
        known.set(identity, contactId);
        links.push({ identity, contactId });
      };
      resolved.newLinks.forEach(link);
      const newWaId = newWaIdOf(d);
      if (newWaId) link(waIdentity(newWaId));

      const contact = contacts.get(contactId) ?? (await this.contacts.load(tx, tenantId, contactId));
      const state = observationsOf(d, sender, time.atMs).reduce(evolveContact, contact.state);
      contacts.set(contactId, { ...contact, state, lastPosition: e.globalPosition });

      const phoneNumberId = d.phoneNumberId ?? d.wabaId;
      const convKey = `${phoneNumberId}\u0000${contactId}`;
      const conv = conversations.get(convKey) ?? (await this.conversations.load(tx, tenantId, phoneNumberId, contactId));
      const opens = opensWindow(d.content);
      const fact = { wamid: d.wamid, atMs: time.atMs, opensWindow: opens, entryPoint: isEntryPoint(d.referral ?? undefined) };
      const context = contextOf(conv.state, fact);
      const convState = evolveConversation(conv.state, fact);
      conversations.set(convKey, { ...conv, state: convState, lastPosition: e.globalPosition });

      const media = mediaOf(d.content);
      if (media?.id) jobs.push({ tenantId, wamid: d.wamid, mediaId: media.id, mimeType: media.mimeType ?? null });
      const replyToInternalId = d.context?.id ? (replyTargets.get(d.context.id) ?? null) : null;
      const view = toView({
        tenantId,
        data: d,
        time,
        phoneNumberId,
        conversationId: conv.conversationId,
        contactId,
        customer: {
          waId: state.waId?.value ?? null,
          userId: state.userId?.value ?? null,
          parentUserId: state.parentUserId?.value ?? null,
          username: state.username?.value ?? null,
          profileName: currentProfileName(state),
        },
        media: media?.id ? { id: media.id, mimeType: media.mimeType ?? null, sha256: media.sha256 ?? null } : null,
        replyToInternalId,
        context,
        opensWindow: opens,
        window: windowAt(convState.window, time.atMs),
      });
      rows.push({ tenantId, view, contextWamid: d.context?.id ?? null, replyToInternalId, position: e.globalPosition });
      out.messages.push(view);
      if (options.publish) out.outbox.push(...publications(view, opens));
    }
    await this.contacts.link(tx, tenantId, links);
    await this.contacts.upsert(tx, [...contacts.values()]);
    await this.conversations.upsert(tx, [...conversations.values()]);
    await this.messages.insert(tx, rows);
    await this.media.enqueue(tx, jobs);
    out.mediaJobs += jobs.length;
  }
}

/** Who sent it: `wa_id` may be "" or absent (BSUID-only users), and `from` may be missing. */
function senderOf(d: InboundMessageData): Sender {
  return {
    waId: d.contact?.waId ?? d.from ?? undefined,
    userId: d.fromUserId ?? d.contact?.userId ?? undefined,
    parentUserId: d.fromParentUserId ?? d.contact?.parentUserId ?? undefined,
    username: d.contact?.username,
    profileName: d.contact?.profileName,
    identityKeyHash: d.contact?.identityKeyHash,
  };
}

function newWaIdOf(d: InboundMessageData): string | undefined {
  return d.content.type === 'system' && d.content.systemType === 'user_changed_number' ? d.content.newWaId : undefined;
}

function observationsOf(d: InboundMessageData, sender: Sender, atMs: number): ContactObservation[] {
  const out: ContactObservation[] = [{ type: 'message', sender, atMs, wamid: d.wamid }];
  if (d.content.type === 'system') {
    switch (d.content.systemType) {
      case 'user_changed_number':
        if (d.content.newWaId) out.push({ type: 'number-changed', fromWaId: sender.waId, toWaId: d.content.newWaId, atMs, wamid: d.wamid });
        break;
      case 'customer_identity_changed':
        out.push({ type: 'identity-changed', hash: d.content.identityHash, atMs, wamid: d.wamid });
        break;
      case 'unknown':
        break;
      default: {
        const never: never = d.content.systemType;
        return never;
      }
    }
  }
  return out;
}

function publications(view: InboundMessageV1, opens: boolean): OutboxMessage[] {
  const out: OutboxMessage[] = [
    { tenantId: view.tenantId, topic: InboundTopics.messages, key: view.tenantId, payload: view, idempotencyKey: `inbound-message:${view.wamid}` },
  ];
  // Only what the customer wrote stops follow-ups; WhatsApp's system notices do not.
  if (opens) out.push({ tenantId: view.tenantId, topic: InboundTopics.customerReplied, key: view.tenantId, payload: customerReplied(view), idempotencyKey: `customer-replied:${view.wamid}` });
  return out;
}
