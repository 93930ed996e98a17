/** Customer messages in; contacts, conversations, the 24-hour window and stored media out (HTTP port 3004 by convention). */
import { runConsumerService } from '@wahooks/service-kit';

import { inboundReply } from './service';

runConsumerService(inboundReply);
