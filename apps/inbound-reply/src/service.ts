import { InboundModule, MediaFetcher } from '@wahooks/inbound-feature';
import type { ConsumerServiceSpec } from '@wahooks/service-kit';

import { inboundReplyConfig } from './config';

export const inboundReply: ConsumerServiceSpec = {
  name: 'inbound-reply',
  defaultGroupId: 'wahooks-inbound-reply',
  config: inboundReplyConfig,
  feature: InboundModule,
  workers: [MediaFetcher],
};
