import type { ConsumerServiceSpec } from '@wahooks/service-kit';
import { AlertDispatcher, TemplateMonitorModule } from '@wahooks/template-feature';

import { templateMonitorConfig } from './config';

export const templateMonitor: ConsumerServiceSpec = {
  name: 'template-monitor',
  defaultGroupId: 'wahooks-template-monitor',
  config: templateMonitorConfig,
  feature: TemplateMonitorModule,
  workers: [AlertDispatcher],
};
