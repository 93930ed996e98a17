import { Injectable, Logger } from '@nestjs/common';

import { EventStore } from '@wahooks/event-store';
import { PrismaService } from '@wahooks/prisma';

import { MessageStatusRepository } from './message-status.repository';
import { StatusProjector } from './status-projector';

const PAGE = 5000;
export const REBUILD_CHECKPOINT = 'status-projection';

/**
 * Drops the status projection and folds every message event of the store
 * back into it, through the same projector code as live processing (without
 * publishing: consumers already saw those changes). One transaction, so
 * readers see the old projection until the new one is complete; stop the
 * status-projector consumers while it runs (live batches would wait on its locks).
 */
@Injectable()
export class StatusRebuilder {
  private readonly logger = new Logger(StatusRebuilder.name);

  constructor(
    private readonly prisma: PrismaService,
    private readonly store: EventStore,
    private readonly repo: MessageStatusRepository,
    private readonly projector: StatusProjector,
  ) {}

  async rebuild(): Promise<{ events: number; lastPosition: string }> {
    // Decided before the long transaction: waiting for in-flight appends inside
    // it would hold up every writer for the whole rebuild.
    const until = await this.store.settledPosition(this.prisma, { timeoutMs: 30_000 });
    return this.prisma.$transaction(
      async (tx) => {
        await this.repo.truncate(tx);
        let after = 0n;
        let events = 0;
        for (;;) {
          const page = await this.store.readAll(tx, { afterPosition: after, limit: PAGE, untilPosition: until });
          if (page.length === 0) break;
          const mine = page.filter((e) => e.type.startsWith('message.'));
          await this.projector.apply(tx, mine, { publish: false });
          events += mine.length;
          after = page[page.length - 1]?.globalPosition ?? after;
        }
        await this.store.saveCheckpoint(tx, REBUILD_CHECKPOINT, after);
        this.logger.log({ events, lastPosition: after.toString() }, 'status projection rebuilt');
        return { events, lastPosition: after.toString() };
      },
      { maxWait: 10_000, timeout: 60 * 60_000 },
    );
  }
}
