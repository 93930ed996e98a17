import { InboundModule, MediaFetcher } from '@wahooks/inbound-feature';
import type { ConsumerServiceSpec } from '@wahooks/service-kit';

export const inboundReply: ConsumerServiceSpec = {
  name: 'inbound-reply',
  defaultGroupId: 'wahooks-inbound-reply',
  feature: InboundModule,
  workers: [MediaFetcher],
};
