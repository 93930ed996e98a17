import { Injectable, Logger } from '@nestjs/common';

import { EventStore } from '@wahooks/event-store';
import { PrismaService } from '@wahooks/prisma';

import { ContactRepository } from './contact.repository';
import { ConversationRepository } from './conversation.repository';
import { InboundEventTypes } from './inbound-events.mapper';
import { InboundMessageRepository } from './inbound-message.repository';
import { InboundProjector } from './inbound-projector';

const PAGE = 5000;
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
    private readonly prisma: PrismaService,
    private readonly store: EventStore,
    private readonly projector: InboundProjector,
    private readonly contacts: ContactRepository,
    private readonly conversations: ConversationRepository,
    private readonly messages: InboundMessageRepository,
  ) {}

  async rebuild(): Promise<{ events: number; lastPosition: string }> {
    const until = await this.store.settledPosition(this.prisma, { timeoutMs: 30_000 });
    return this.prisma.$transaction(
      async (tx) => {
        await this.messages.truncate(tx);
        await this.contacts.truncate(tx);
        await this.conversations.truncate(tx);
        let after = 0n;
        let events = 0;
        for (;;) {
          const page = await this.store.readAll(tx, { afterPosition: after, limit: PAGE, untilPosition: until });
          if (page.length === 0) break;
          const mine = page.filter((e) => e.type === InboundEventTypes.received);
          await this.projector.apply(tx, mine, { publish: false });
          events += mine.length;
          after = page[page.length - 1]?.globalPosition ?? after;
        }
        await this.store.saveCheckpoint(tx, INBOUND_REBUILD_CHECKPOINT, after);
        this.logger.log({ events, lastPosition: after.toString() }, 'inbound projections rebuilt');
        return { events, lastPosition: after.toString() };
      },
      { maxWait: 10_000, timeout: 60 * 60_000 },
    );
  }
}
