export * from './event-store';
export * from './event-store.errors';
export * from './event-store.module';
export * from './event-store.tx';
export * from './event.types';
export * from './rebuild-projection';
