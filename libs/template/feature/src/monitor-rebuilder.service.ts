import { Injectable, Logger } from '@nestjs/common';

import { EventStore } from '@wahooks/event-store';
import { PrismaService } from '@wahooks/prisma';

import { isMonitorEvent } from './monitor-events.mapper';
import { MonitorProjector } from './monitor-projector';
import { MonitorStateRepository } from './monitor-state.repository';

const PAGE = 5000;
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
    private readonly prisma: PrismaService,
    private readonly store: EventStore,
    private readonly repo: MonitorStateRepository,
    private readonly projector: MonitorProjector,
  ) {}

  async rebuild(): Promise<{ events: number; lastPosition: string }> {
    const until = await this.store.settledPosition(this.prisma, { timeoutMs: 30_000 });
    return this.prisma.$transaction(
      async (tx) => {
        await this.repo.truncate(tx);
        let after = 0n;
        let events = 0;
        for (;;) {
          const page = await this.store.readAll(tx, { afterPosition: after, limit: PAGE, untilPosition: until });
          if (page.length === 0) break;
          const mine = page.filter(isMonitorEvent);
          await this.projector.apply(tx, mine, { publish: false });
          events += mine.length;
          after = page[page.length - 1]?.globalPosition ?? after;
        }
        await this.store.saveCheckpoint(tx, REBUILD_CHECKPOINT, after);
        this.logger.log({ events, lastPosition: after.toString() }, 'template monitor projection rebuilt');
        return { events, lastPosition: after.toString() };
      },
      { maxWait: 10_000, timeout: 60 * 60_000 },
    );
  }
}
