import { Injectable, Logger } from '@nestjs/common';

import { EventStore, rebuildProjection } from '@wahooks/event-store';
import { SqlTransactions } from '@wahooks/prisma';

import { AddressBookProjector } from './address-book.projector';
import { AddressBookRepository } from './address-book.repository';
import { ContactRepository } from './contact.repository';
import { ConversationRepository } from './conversation.repository';
import { InboundEventTypes } from './inbound-events.mapper';
import { InboundMessageRepository } from './inbound-message.repository';
import { InboundProjector } from './inbound-projector';

export const INBOUND_REBUILD_CHECKPOINT = 'inbound-projection';

/**
 * Drops messages, contacts (with their identity links), conversations and the
 * address book and folds every `inbound.message.received` and
 * `inbound.contact.synced` event back in, in global order, through the live
 * projector code without publishing. `inbound_media` (the
 * download queue, with its delivery state) is left alone. One transaction:
 * readers see the old projection until it commits. Stop the inbound-reply
 * consumers while it runs.
 */
@Injectable()
export class InboundRebuilder {
  private readonly logger = new Logger(InboundRebuilder.name);

  constructor(
    private readonly sql: SqlTransactions,
    private readonly store: EventStore,
    private readonly projector: InboundProjector,
    private readonly addressBook: AddressBookProjector,
    private readonly book: AddressBookRepository,
    private readonly contacts: ContactRepository,
    private readonly conversations: ConversationRepository,
    private readonly messages: InboundMessageRepository,
  ) {}

  async rebuild(): Promise<{ events: number; lastPosition: string }> {
    const result = await rebuildProjection(this.store, this.sql, {
      checkpoint: INBOUND_REBUILD_CHECKPOINT,
      truncate: async (tx) => {
        await this.messages.truncate(tx);
        await this.contacts.truncate(tx);
        await this.conversations.truncate(tx);
        // Last: a live transaction that touches both takes the message tables first (no lock cycle).
        await this.book.truncate(tx);
      },
      select: (e) => e.type === InboundEventTypes.received || e.type === InboundEventTypes.contactSynced,
      apply: async (tx, events) => {
        await this.projector.apply(tx, events, { publish: false });
        await this.addressBook.apply(tx, events, { publish: false });
      },
    });
    this.logger.log(result, 'inbound projections rebuilt');
    return result;
  }
}
