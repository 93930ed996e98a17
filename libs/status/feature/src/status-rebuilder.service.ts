import { Injectable, Logger } from '@nestjs/common';

import { EventStore, rebuildProjection } from '@wahooks/event-store';
import { PrismaService } from '@wahooks/prisma';

import { MessageStatusRepository } from './message-status.repository';
import { StatusProjector } from './status-projector';

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
    const result = await rebuildProjection(this.store, this.prisma, {
      checkpoint: REBUILD_CHECKPOINT,
      truncate: (tx) => this.repo.truncate(tx),
      select: (e) => e.type.startsWith('message.'),
      apply: (tx, events) => this.projector.apply(tx, events, { publish: false }),
    });
    this.logger.log(result, 'status projection rebuilt');
    return result;
  }
}
