import { Controller, UseFilters } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';

import { BatchEvents, RecordBatch, RethrowRpcErrors } from '@wahooks/consumer-runtime';
import { Topics } from '@wahooks/events-contract';

import { InboundIngestService } from './inbound-ingest.service';

/** Kafka entry point; each batch is one transaction (see KafkaBatchServer). */
@Controller()
@UseFilters(RethrowRpcErrors)
export class InboundConsumer {
  constructor(private readonly ingest: InboundIngestService) {}

  @EventPattern<BatchEvents>(Topics.webhooksRaw)
  async raw(@Payload() batch: RecordBatch): Promise<void> {
    await this.ingest.ingestRawBatch(batch);
  }
}
