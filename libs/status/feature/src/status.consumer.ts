import { Controller, UseFilters } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';

import { BatchEvents, controlOf, RecordBatch, RethrowRpcErrors } from '@wahooks/consumer-runtime';
import { Topics } from '@wahooks/events-contract';

import { StatusIngestService } from './status-ingest.service';

/** Kafka entry points; each batch goes through the one ingest path (see ProjectionIngest). */
@Controller()
@UseFilters(RethrowRpcErrors)
export class StatusConsumer {
  constructor(private readonly ingest: StatusIngestService) {}

  @EventPattern<BatchEvents>(Topics.webhooksRaw)
  async raw(@Payload() batch: RecordBatch, @Ctx() ctx: unknown): Promise<void> {
    await this.ingest.ingest(batch, controlOf(ctx));
  }

  @EventPattern<BatchEvents>(Topics.messagesAccepted)
  async accepted(@Payload() batch: RecordBatch, @Ctx() ctx: unknown): Promise<void> {
    await this.ingest.ingest(batch, controlOf(ctx));
  }
}
