import { Injectable, Logger } from '@nestjs/common';

import { EventStore } from '@wahooks/event-store';
import { PrismaService } from '@wahooks/prisma';

import { toDomain } from './fallback-events.mapper';
import { FallbackMessageRepository } from './fallback-message.repository';
import { FallbackRecorder } from './fallback-recorder.service';

const PAGE = 5000;
export const FALLBACK_REBUILD_CHECKPOINT = 'fallback-projection';

/**
 * Drops `fallback_message` and `marketing_suppression` and folds every
 * fallback and suppression event back into them. Decisions are events, so
 * nothing is decided again and no side effect is repeated; `fallback_sms`
 * (the SMS outbox, with its delivery state) is left alone. One transaction:
 * readers see the old projection until the new one is complete. Stop the
 * fallback-trigger consumers while it runs.
 */
@Injectable()
export class FallbackRebuilder {
  private readonly logger = new Logger(FallbackRebuilder.name);

  constructor(
    private readonly prisma: PrismaService,
    private readonly store: EventStore,
    private readonly messages: FallbackMessageRepository,
    private readonly recorder: FallbackRecorder,
  ) {}

  async rebuild(): Promise<{ events: number; lastPosition: string }> {
    const until = await this.store.settledPosition(this.prisma, { timeoutMs: 30_000 });
    return this.prisma.$transaction(
      async (tx) => {
        await this.messages.truncate(tx);
        let after = 0n;
        let events = 0;
        for (;;) {
          const page = await this.store.readAll(tx, { afterPosition: after, limit: PAGE, untilPosition: until });
          if (page.length === 0) break;
          const mine = page.filter((e) => toDomain(e) !== undefined);
          const ws = this.recorder.workspace(tx);
          await ws.preload(mine);
          for (const e of mine) await ws.applyRecorded(e);
          await ws.flush();
          events += mine.length;
          after = page[page.length - 1]?.globalPosition ?? after;
        }
        await this.store.saveCheckpoint(tx, FALLBACK_REBUILD_CHECKPOINT, after);
        this.logger.log({ events, lastPosition: after.toString() }, 'fallback projections rebuilt');
        return { events, lastPosition: after.toString() };
      },
      { maxWait: 10_000, timeout: 60 * 60_000 },
    );
  }
}
