export * from './outbox-relay.service';
export * from './outbox.module';
export * from './outbox.repository';
export * from './outbox.types';
