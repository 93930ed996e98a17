/**
 * Drops and rebuilds the fallback projections (messages, suppression list) from the event store:
 *   npm run rebuild:fallback
 * Stop the fallback-trigger consumers first (see docs/fallback-trigger.md).
 */
import { FallbackRebuilder } from '@wahooks/fallback-feature';
import { runRebuild } from '@wahooks/service-kit';

import { fallbackTrigger } from './service';

runRebuild(fallbackTrigger, FallbackRebuilder);
