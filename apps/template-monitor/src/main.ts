/** Template, number and account events in; state, "may I send", and alerts that reach people out. */
import { runConsumerService } from '@wahooks/service-kit';

import { templateMonitor } from './service';

runConsumerService(templateMonitor);
