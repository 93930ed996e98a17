import type { ConsumerServiceSpec } from '@wahooks/service-kit';
import { AlertDispatcher, TemplateMonitorModule } from '@wahooks/template-feature';

export const templateMonitor: ConsumerServiceSpec = {
  name: 'template-monitor',
  defaultGroupId: 'wahooks-template-monitor',
  feature: TemplateMonitorModule,
  workers: [AlertDispatcher],
};
