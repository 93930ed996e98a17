import type { ConsumerServiceSpec } from '@wahooks/service-kit';
import { StallDetector, StatusModule } from '@wahooks/status-feature';

export const statusProjector: ConsumerServiceSpec = {
  name: 'status-projector',
  defaultGroupId: 'wahooks-status-projector',
  feature: StatusModule,
  workers: [StallDetector],
};
