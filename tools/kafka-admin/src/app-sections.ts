/**
 * The configuration sections each long-running app composes, for the tests
 * that hold the manifests (manifests.spec.ts) and docs/configuration.md
 * (configuration-doc.spec.ts) to them: apps/<app>/src/config.ts, and for a
 * consumer service the sections every one reads. All framework-free, so these
 * unit tests load them without NestJS.
 */
import { AnySection, variablesOf } from '@wahooks/config';

// eslint-disable-next-line @nx/enforce-module-boundaries
import { fallbackTriggerConfig } from '../../../apps/fallback-trigger/src/config';
// eslint-disable-next-line @nx/enforce-module-boundaries
import { inboundReplyConfig } from '../../../apps/inbound-reply/src/config';
// eslint-disable-next-line @nx/enforce-module-boundaries
import { intakeConfig } from '../../../apps/intake/src/config';
// eslint-disable-next-line @nx/enforce-module-boundaries
import { statusProjectorConfig } from '../../../apps/status-projector/src/config';
// eslint-disable-next-line @nx/enforce-module-boundaries
import { templateMonitorConfig } from '../../../apps/template-monitor/src/config';
// eslint-disable-next-line @nx/enforce-module-boundaries
import { consumerServiceSections } from '../../../libs/shared/service-kit/src/consumer-config';

export const APP_SECTIONS: Readonly<Record<string, readonly AnySection[]>> = {
  intake: intakeConfig,
  'status-projector': consumerServiceSections(statusProjectorConfig),
  'fallback-trigger': consumerServiceSections(fallbackTriggerConfig),
  'template-monitor': consumerServiceSections(templateMonitorConfig),
  'inbound-reply': consumerServiceSections(inboundReplyConfig),
};

/** An app's sections (none for a name that is not an app). */
export const sectionsOf = (app: string): readonly AnySection[] => APP_SECTIONS[app] ?? [];

/** Every variable an app reads. */
export const readsOf = (app: string): Set<string> => new Set(variablesOf(sectionsOf(app)));
