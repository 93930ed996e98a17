import { Controller, UseFilters } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';

import { BatchEvents, RecordBatch, RethrowRpcErrors } from '@wahooks/consumer-runtime';
import { Topics } from '@wahooks/events-contract';

import { FallbackIngestService } from './fallback-ingest.service';

/** Kafka entry points; each batch is one transaction (see KafkaBatchServer). */
@Controller()
@UseFilters(RethrowRpcErrors)
export class FallbackConsumer {
  constructor(private readonly ingest: FallbackIngestService) {}

  @EventPattern<BatchEvents>(Topics.webhooksRaw)
  async raw(@Payload() batch: RecordBatch): Promise<void> {
    await this.ingest.ingestRawBatch(batch);
  }

  @EventPattern<BatchEvents>(Topics.messagesAccepted)
  async accepted(@Payload() batch: RecordBatch): Promise<void> {
    await this.ingest.ingestAcceptedBatch(batch);
  }
}
