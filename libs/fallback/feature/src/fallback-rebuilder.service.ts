import { Injectable, Logger } from '@nestjs/common';

import { EventStore, rebuildProjection } from '@wahooks/event-store';
import { SqlTransactions } from '@wahooks/prisma';

import { toDomain } from './fallback-events.mapper';
import { FallbackMessageRepository } from './fallback-message.repository';
import { FallbackRecorder } from './fallback-recorder.service';

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
    private readonly sql: SqlTransactions,
    private readonly store: EventStore,
    private readonly messages: FallbackMessageRepository,
    private readonly recorder: FallbackRecorder,
  ) {}

  async rebuild(): Promise<{ events: number; lastPosition: string }> {
    const result = await rebuildProjection(this.store, this.sql, {
      checkpoint: FALLBACK_REBUILD_CHECKPOINT,
      truncate: (tx) => this.messages.truncate(tx),
      select: (e) => toDomain(e) !== undefined,
      apply: async (tx, events) => {
        const ws = this.recorder.workspace(tx);
        await ws.preload(events);
        for (const e of events) await ws.applyRecorded(e);
        await ws.flush();
      },
    });
    this.logger.log(result, 'fallback projections rebuilt');
    return result;
  }
}
