/**
 * Drops and rebuilds the status projection from the event store:
 *   npm run rebuild:status
 * Stop the status-projector consumers first (see docs/status-projector.md).
 */
import { runRebuild } from '@wahooks/service-kit';
import { StatusRebuilder } from '@wahooks/status-feature';

import { statusProjector } from './service';

runRebuild(statusProjector, StatusRebuilder);
