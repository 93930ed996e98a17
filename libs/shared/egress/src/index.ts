export * from './egress-agent';
export * from './egress-policy';
export * from './egress.module';
export * from './ip-range';
export * from './outbound-failure';
export * from './outbound-http';
export * from './outbound-url';
