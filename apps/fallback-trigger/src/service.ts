import { FallbackModule, SmsDispatcher, UndeliveredScanner } from '@wahooks/fallback-feature';
import type { ConsumerServiceSpec } from '@wahooks/service-kit';

export const fallbackTrigger: ConsumerServiceSpec = {
  name: 'fallback-trigger',
  defaultGroupId: 'wahooks-fallback-trigger',
  feature: FallbackModule,
  workers: [SmsDispatcher, UndeliveredScanner],
};
