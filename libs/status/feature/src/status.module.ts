import { Module } from '@nestjs/common';

import { EventStore } from '@wahooks/event-store';
import { OutboxModule } from '@wahooks/outbox';
import { TenancyReadModule } from '@wahooks/tenancy';

import { MessageQueryRepository } from './message-query.repository';
import { MessageStatusRepository } from './message-status.repository';
import { MessagesController } from './messages.controller';
import { StallDetector } from './stall-detector.service';
import { StatusConsumer } from './status.consumer';
import { StatusIngestService, StatusProjection } from './status-ingest.service';
import { StatusProjector } from './status-projector';
import { StatusRebuilder } from './status-rebuilder.service';

/** The status ledger: consumers, projection, read API, stall detection, rebuild. Needs Prisma, config, metrics. */
@Module({
  imports: [TenancyReadModule, OutboxModule],
  controllers: [MessagesController, StatusConsumer],
  providers: [EventStore, MessageStatusRepository, MessageQueryRepository, StatusProjector, StatusProjection, StatusIngestService, StallDetector, StatusRebuilder],
  exports: [StatusIngestService, StallDetector, StatusRebuilder, OutboxModule],
})
export class StatusModule {}
