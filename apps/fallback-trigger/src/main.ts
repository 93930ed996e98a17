/** Failed messages in, policies decided once, SMS / retry / template-required requests out. */
import { runConsumerService } from '@wahooks/service-kit';

import { fallbackTrigger } from './service';

runConsumerService(fallbackTrigger);
