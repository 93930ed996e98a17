import { Controller, UseFilters } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';

import { BatchEvents, controlOf, RecordBatch, RethrowRpcErrors } from '@wahooks/consumer-runtime';
import { Topics } from '@wahooks/events-contract';

import { InboundIngestService } from './inbound-ingest.service';

/** Kafka entry point; each batch goes through the one ingest path (see ProjectionIngest). */
@Controller()
@UseFilters(RethrowRpcErrors)
export class InboundConsumer {
  constructor(private readonly ingest: InboundIngestService) {}

  @EventPattern<BatchEvents>(Topics.webhooksRaw)
  async raw(@Payload() batch: RecordBatch, @Ctx() ctx: unknown): Promise<void> {
    await this.ingest.ingest(batch, controlOf(ctx));
  }
}
