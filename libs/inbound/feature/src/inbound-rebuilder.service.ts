import { Injectable, Logger } from '@nestjs/common';

import { EventStore, rebuildProjection } from '@wahooks/event-store';
import { SqlTransactions } from '@wahooks/prisma';

import { ContactRepository } from './contact.repository';
import { ConversationRepository } from './conversation.repository';
import { InboundEventTypes } from './inbound-events.mapper';
import { InboundMessageRepository } from './inbound-message.repository';
import { InboundProjector } from './inbound-projector';

export const INBOUND_REBUILD_CHECKPOINT = 'inbound-projection';

/**
 * Drops messages, contacts (with their identity links) and conversations and
 * folds every `inbound.message.received` event back in, in global order,
 * through the live projector code without publishing. `inbound_media` (the
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
      },
      select: (e) => e.type === InboundEventTypes.received,
      apply: (tx, events) => this.projector.apply(tx, events, { publish: false }),
    });
    this.logger.log(result, 'inbound projections rebuilt');
    return result;
  }
}
