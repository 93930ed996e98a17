import { Injectable } from '@nestjs/common';

import type { RecordedEvent } from '@wahooks/event-store';
import { InboundTopics } from '@wahooks/events-contract';
import { ContactMerge, currentProfileName, CustomerMessage, isEntryPoint, mediaOf, opensWindow, Sender, windowAt } from '@wahooks/inbound-domain';
import type { OutboxMessage } from '@wahooks/outbox';
import type { SqlTx } from '@wahooks/prisma';

import { ContactRepository } from './contact.repository';
import { conversationIdOf, ConversationRepository } from './conversation.repository';
import { CustomerWorkset } from './customer-workset';
import { asMessageData, InboundEventTypes, InboundMessageData, messageTimeMs } from './inbound-events.mapper';
import { InboundMessageRepository, MessageRow } from './inbound-message.repository';
import { ContactMergedV1, customerReplied, InboundMessageV1, publishedView, toView } from './inbound-message.view';
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
 * message with the same conversation state live processing did. Contacts,
 * their identities and conversations, and which conversation a message is
 * in, end the same in any order (a message that shows two contacts to be one
 * customer merges them, see CustomerWorkset); a message's published context
 * is what was known when it was processed.
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
    const items = events.map((e) => {
      const d = asMessageData(e);
      const time = messageTimeMs(d, e.recordedAt);
      return { e, d, time, m: customerMessageOf(d, time.atMs) };
    });
    const workset = new CustomerWorkset(tx, tenantId, this.contacts, this.conversations, this.messages);
    await workset.loadAliases(items.map((x) => x.m));
    const replyTargets = await this.messages.internalIds(tx, tenantId, [...new Set(items.map((x) => x.d.context?.id).filter((x): x is string => !!x))]);
    const rows: MessageRow[] = [];
    const jobs: MediaJob[] = [];

    for (const { e, d, time, m } of items) {
      const placed = await workset.place(m, e.globalPosition);
      for (const merge of placed.merges) moveRows(rows, merge);
      if (options.publish) out.outbox.push(...placed.merges.map((merge) => mergePublication(tenantId, merge, d.wamid)));
      const { contactId, contact: state } = placed;
      const media = mediaOf(d.content);
      if (media?.id) jobs.push({ tenantId, wamid: d.wamid, mediaId: media.id, mimeType: media.mimeType ?? null });
      const replyToInternalId = d.context?.id ? (replyTargets.get(d.context.id) ?? null) : null;
      const view = toView({
        tenantId,
        data: d,
        time,
        phoneNumberId: m.phoneNumberId,
        conversationId: conversationIdOf(m.phoneNumberId, contactId),
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
        context: placed.context,
        opensWindow: m.opensWindow,
        window: windowAt(placed.conversation.state.window, time.atMs),
        textRepaired: e.metadata.repairedText,
      });
      rows.push({ tenantId, view, contextWamid: d.context?.id ?? null, replyToInternalId, position: e.globalPosition });
      out.messages.push(view);
      if (options.publish) out.outbox.push(...publications(view, m.opensWindow));
    }
    await workset.flush();
    await this.messages.insert(tx, rows);
    await this.media.enqueue(tx, jobs);
    out.mediaJobs += jobs.length;
  }
}

/** Rows of this batch not written yet follow a merge too (the workset moves the stored ones). */
function moveRows(rows: MessageRow[], merge: ContactMerge): void {
  for (const [i, r] of rows.entries()) {
    if (r.view.contactId === merge.from) rows[i] = { ...r, view: { ...r.view, contactId: merge.into, conversationId: conversationIdOf(r.view.phoneNumberId, merge.into) } };
  }
}

function customerMessageOf(d: InboundMessageData, atMs: number): CustomerMessage {
  return { wamid: d.wamid, atMs, phoneNumberId: d.phoneNumberId ?? d.wabaId, sender: senderOf(d), notice: noticeOf(d), opensWindow: opensWindow(d.content), entryPoint: isEntryPoint(d.referral ?? undefined) };
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

/** What a `system` notice says about the customer. */
function noticeOf(d: InboundMessageData): CustomerMessage['notice'] {
  if (d.content.type !== 'system') return undefined;
  switch (d.content.systemType) {
    case 'user_changed_number':
      return d.content.newWaId ? { type: 'number-changed', newWaId: d.content.newWaId } : undefined;
    case 'customer_identity_changed':
      return { type: 'identity-changed', hash: d.content.identityHash };
    case 'unknown':
      return undefined;
    default: {
      const never: never = d.content.systemType;
      return never;
    }
  }
}

function mergePublication(tenantId: string, merge: ContactMerge, causedByWamid: string): OutboxMessage {
  const payload: ContactMergedV1 = {
    schemaVersion: 1,
    type: 'contact.merged',
    tenantId,
    fromContactId: merge.from,
    intoContactId: merge.into,
    conversations: merge.phoneNumberIds.map((phoneNumberId) => ({
      phoneNumberId,
      from: conversationIdOf(phoneNumberId, merge.from),
      into: conversationIdOf(phoneNumberId, merge.into),
    })),
    causedByWamid,
  };
  return { tenantId, topic: InboundTopics.contacts, key: tenantId, payload, idempotencyKey: `contact-merged:${tenantId}:${merge.from}:${merge.into}` };
}

function publications(view: InboundMessageV1, opens: boolean): OutboxMessage[] {
  const out: OutboxMessage[] = [
    { tenantId: view.tenantId, topic: InboundTopics.messages, key: view.tenantId, payload: publishedView(view), idempotencyKey: `inbound-message:${view.wamid}` },
  ];
  // Only what the customer wrote stops follow-ups; WhatsApp's system notices do not.
  if (opens) out.push({ tenantId: view.tenantId, topic: InboundTopics.customerReplied, key: view.tenantId, payload: customerReplied(view), idempotencyKey: `customer-replied:${view.wamid}` });
  return out;
}
