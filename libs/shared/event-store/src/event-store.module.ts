import { Module } from '@nestjs/common';

import { EventStore } from './event-store';

/** Provides the stateless EventStore; transactions come from the caller's PrismaService. */
@Module({ providers: [EventStore], exports: [EventStore] })
export class EventStoreModule {}
