/** The status ledger: webhooks and accepted sends in, timelines and status changes out. */
import { runConsumerService } from '@wahooks/service-kit';

import { statusProjector } from './service';

runConsumerService(statusProjector);
