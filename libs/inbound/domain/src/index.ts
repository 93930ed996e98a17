export * from './address-book';
export * from './contact';
export * from './conversation';
export * from './customer.projection';
export * from './message-rules';
export * from './window';
