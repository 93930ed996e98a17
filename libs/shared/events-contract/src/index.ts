export * from './accepted-message';
export * from './headers';
export * from './topics';
export * from './access';
