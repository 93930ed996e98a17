/**
 * Drops and rebuilds the inbound projections (messages, contacts, conversations) from the event store:
 *   bash scripts/rebuild.sh inbound-reply
 * Stop the inbound-reply consumers first (see docs/inbound-reply.md).
 */
import { InboundRebuilder } from '@wahooks/inbound-feature';
import { runRebuild } from '@wahooks/service-kit';

import { inboundReply } from './service';

runRebuild(inboundReply, InboundRebuilder);
