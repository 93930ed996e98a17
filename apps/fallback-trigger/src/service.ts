import { FallbackModule, SmsDispatcher, UndeliveredScanner } from '@wahooks/fallback-feature';
import type { ConsumerServiceSpec } from '@wahooks/service-kit';

import { fallbackTriggerConfig } from './config';

export const fallbackTrigger: ConsumerServiceSpec = {
  name: 'fallback-trigger',
  defaultGroupId: 'wahooks-fallback-trigger',
  config: fallbackTriggerConfig,
  feature: FallbackModule,
  workers: [SmsDispatcher, UndeliveredScanner],
};
