import { Module } from '@nestjs/common';

import { InboundConfig, inboundSection } from '@wahooks/config';
import { EgressModule } from '@wahooks/egress';
import { EventStore } from '@wahooks/event-store';
import { OutboxModule } from '@wahooks/outbox';
import { TenancyReadModule } from '@wahooks/tenancy';

import { AddressBookProjector } from './address-book.projector';
import { AddressBookRepository } from './address-book.repository';
import { ContactRepository } from './contact.repository';
import { ConversationRepository } from './conversation.repository';
import { InboundController } from './inbound.controller';
import { InboundConsumer } from './inbound.consumer';
import { InboundIngestService, InboundProjection } from './inbound-ingest.service';
import { InboundMessageRepository } from './inbound-message.repository';
import { InboundProjector } from './inbound-projector';
import { InboundQueryRepository } from './inbound-query.repository';
import { InboundRebuilder } from './inbound-rebuilder.service';
import { MediaFetcher } from './media-fetcher.service';
import { MediaRepository } from './media.repository';
import { FilesystemMediaStorage, MEDIA_STORAGE } from './media-storage';
import { S3MediaStorage } from './s3-media-storage';

/** Media storage: the filesystem under MEDIA_STORAGE_DIR, or an S3-compatible bucket (MEDIA_STORAGE=s3). */
const mediaStorage = {
  provide: MEDIA_STORAGE,
  inject: [inboundSection.token],
  useFactory: (inbound: InboundConfig) =>
    inbound.storage.kind === 's3'
      ? new S3MediaStorage(inbound.storage.s3, { connectTimeoutMs: inbound.media.timeoutMs, idleTimeoutMs: inbound.media.idleTimeoutMs })
      : new FilesystemMediaStorage(inbound.media.storageDir),
};

/** Inbound customer messages and the business's address book: consumer, projections, media downloads, read API, rebuild. Needs Prisma, config, metrics. */
@Module({
  imports: [TenancyReadModule, OutboxModule, EgressModule],
  controllers: [InboundController, InboundConsumer],
  providers: [
    EventStore,
    AddressBookRepository,
    AddressBookProjector,
    ContactRepository,
    ConversationRepository,
    InboundMessageRepository,
    MediaRepository,
    InboundQueryRepository,
    InboundProjector,
    InboundProjection,
    InboundIngestService,
    MediaFetcher,
    InboundRebuilder,
    mediaStorage,
  ],
  exports: [InboundIngestService, MediaFetcher, InboundRebuilder, OutboxModule],
})
export class InboundModule {}
