import type { ConsumerServiceSpec } from '@wahooks/service-kit';
import { StallDetector, StatusModule } from '@wahooks/status-feature';

import { statusProjectorConfig } from './config';

export const statusProjector: ConsumerServiceSpec = {
  name: 'status-projector',
  defaultGroupId: 'wahooks-status-projector',
  config: statusProjectorConfig,
  feature: StatusModule,
  workers: [StallDetector],
};
