import type { DynamicModule, Type } from '@nestjs/common';

import type { AnySection } from '@wahooks/config';
import type { BackgroundTask } from '@wahooks/worker';

/** What makes one consumer service different from the others; everything else is shared. */
export interface ConsumerServiceSpec {
  /** kebab-case, as in apps/<name>: log `service`, Kafka client id suffix. */
  name: string;
  /** Consumer group when CONSUMER_GROUP_ID is not set. */
  defaultGroupId: string;
  /**
   * The configuration sections its feature reads, beyond what every consumer
   * service reads (consumerServiceConfig): the service loads these and no
   * others, so it never needs another service's variables or secrets.
   */
  config: readonly AnySection[];
  /** The service's feature module (consumers, projections, read API). */
  feature: Type<unknown> | DynamicModule;
  /** Loops run beside the consumer (dispatchers, scanners), provided by the feature module; left out of one-off commands. The outbox relay always runs. */
  workers?: Array<Type<BackgroundTask>>;
  /** HTTP body limit of the read/write API (default 10 MB). */
  bodyLimitBytes?: number;
}
