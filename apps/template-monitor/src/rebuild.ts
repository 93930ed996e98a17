/**
 * Drops and rebuilds the template-monitor projections from the event store:
 *   npm run rebuild:templates
 * Stop the template-monitor consumers first (see docs/template-monitor.md).
 */
import { runRebuild } from '@wahooks/service-kit';
import { MonitorRebuilder } from '@wahooks/template-feature';

import { templateMonitor } from './service';

runRebuild(templateMonitor, MonitorRebuilder);
