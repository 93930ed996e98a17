import { Controller, UseFilters } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';

import { BatchEvents, controlOf, RecordBatch, RethrowRpcErrors } from '@wahooks/consumer-runtime';
import { Topics } from '@wahooks/events-contract';

import { FallbackIngestService } from './fallback-ingest.service';

/** Kafka entry points; each batch goes through the one ingest path (see ProjectionIngest). */
@Controller()
@UseFilters(RethrowRpcErrors)
export class FallbackConsumer {
  constructor(private readonly ingest: FallbackIngestService) {}

  @EventPattern<BatchEvents>(Topics.webhooksRaw)
  async raw(@Payload() batch: RecordBatch, @Ctx() ctx: unknown): Promise<void> {
    await this.ingest.ingest(batch, controlOf(ctx));
  }

  @EventPattern<BatchEvents>(Topics.messagesAccepted)
  async accepted(@Payload() batch: RecordBatch, @Ctx() ctx: unknown): Promise<void> {
    await this.ingest.ingest(batch, controlOf(ctx));
  }
}
