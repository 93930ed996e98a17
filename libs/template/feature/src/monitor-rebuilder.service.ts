import { Injectable, Logger } from '@nestjs/common';

import { EventStore, rebuildProjection } from '@wahooks/event-store';
import { SqlTransactions } from '@wahooks/prisma';

import { isMonitorEvent } from './monitor-events.mapper';
import { MonitorProjector } from './monitor-projector';
import { MonitorStateRepository } from './monitor-state.repository';

export const REBUILD_CHECKPOINT = 'template-monitor-projection';

/**
 * Drops the template and health projections and folds every monitor fact of
 * the store back into them through the live projector code, without raising
 * alerts (they were raised and delivered already; `monitor_alerts` and the
 * delivery log are kept). One transaction: readers see the old projection
 * until the new one is complete. Stop the consumers while it runs.
 */
@Injectable()
export class MonitorRebuilder {
  private readonly logger = new Logger(MonitorRebuilder.name);

  constructor(
    private readonly sql: SqlTransactions,
    private readonly store: EventStore,
    private readonly repo: MonitorStateRepository,
    private readonly projector: MonitorProjector,
  ) {}

  async rebuild(): Promise<{ events: number; lastPosition: string }> {
    const result = await rebuildProjection(this.store, this.sql, {
      checkpoint: REBUILD_CHECKPOINT,
      truncate: (tx) => this.repo.truncate(tx),
      select: isMonitorEvent,
      apply: (tx, events) => this.projector.apply(tx, events, { publish: false }),
    });
    this.logger.log(result, 'template monitor projection rebuilt');
    return result;
  }
}
