export * from './graph-media.client';
export * from './inbound-events.mapper';
export * from './inbound-ingest.service';
export * from './inbound-message.view';
export * from './inbound-rebuilder.service';
export * from './inbound.module';
export * from './media-fetcher.service';
export * from './media-storage';
