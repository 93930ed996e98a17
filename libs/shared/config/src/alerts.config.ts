import { defineSection, int } from './section';

/** The template monitor's alert webhook delivery (AlertDispatcher, libs/template/feature). */
const alertsEnv = {
  /** One HTTP attempt to a tenant's alert URL; longer counts as a timeout (retried). */
  ALERT_DELIVERY_TIMEOUT_MS: int(5000, 50),
  /** First retry delay; doubles per attempt, with jitter. */
  ALERT_RETRY_BASE_MS: int(1000, 10),
  ALERT_RETRY_MAX_DELAY_MS: int(10 * 60_000, 10),
  /** After this long since the alert, stop retrying and record the delivery as failed. */
  ALERT_GIVE_UP_AFTER_MS: int(24 * 60 * 60_000, 1000),
  /** How often the dispatcher looks for due deliveries (it is also kicked after each batch). */
  ALERT_DISPATCH_INTERVAL_MS: int(500, 10),
  ALERT_DISPATCH_BATCH: int(20, 1),
};

export interface AlertsConfig {
  timeoutMs: number;
  retryBaseMs: number;
  retryMaxDelayMs: number;
  giveUpAfterMs: number;
  dispatchIntervalMs: number;
  dispatchBatch: number;
}

export const alertsSection = defineSection({
  name: 'alerts',
  env: alertsEnv,
  read: (c): AlertsConfig => ({
    timeoutMs: c.ALERT_DELIVERY_TIMEOUT_MS,
    retryBaseMs: c.ALERT_RETRY_BASE_MS,
    retryMaxDelayMs: c.ALERT_RETRY_MAX_DELAY_MS,
    giveUpAfterMs: c.ALERT_GIVE_UP_AFTER_MS,
    dispatchIntervalMs: c.ALERT_DISPATCH_INTERVAL_MS,
    dispatchBatch: c.ALERT_DISPATCH_BATCH,
  }),
});
