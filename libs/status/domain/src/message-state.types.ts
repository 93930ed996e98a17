import type { Step } from './forward-rule';
import type { ConversionEvent, MetaStatus, StatusError, StatusEvent, StatusPricing, TemplateRef, TrackedStatus } from './status-event.types';

/** Epoch milliseconds of the earliest event of each status; `undefined` when none has a time. */
export type StepTimes = Readonly<Record<TrackedStatus, number | undefined>>;

/** Pricing as Meta sent it, with the event it came from (for billing disputes). */
export interface SourcedPricing extends StatusPricing {
  readonly eventId: string;
  readonly status: MetaStatus;
}

export interface MessageRecipient {
  /** The `to` of our send request (from `accepted`). */
  readonly to: string | undefined;
  /** `recipient_id` Meta reported. */
  readonly id: string | undefined;
  /** `recipient_user_id` (BSUID) Meta reported. */
  readonly userId: string | undefined;
}

/** Something the evidence says that should not happen. Recorded, never acted on here. */
export type Anomaly =
  /** A `failed` alongside a delivery receipt; the receipt wins (see CURRENT_PRECEDENCE). */
  | { readonly kind: 'failed-after-delivery'; readonly eventId: string; readonly outcome: 'delivered' | 'read' | 'played' }
  /** A later chain step stamped earlier than a lower one (whole seconds compared). */
  | {
      readonly kind: 'time-inversion';
      readonly lower: Step;
      readonly lowerAtMs: number;
      readonly higher: Step;
      readonly higherAtMs: number;
    }
  /** One `eventId`, several different contents; `copies` counts the distinct ones. */
  | { readonly kind: 'conflicting-duplicate'; readonly eventId: string; readonly copies: number }
  | { readonly kind: 'unknown-status'; readonly eventId: string; readonly rawStatus: string }
  | { readonly kind: 'missing-timestamp'; readonly eventId: string }
  /** Several distinct `accepted` events for one wamid; the earliest one names the message. */
  | { readonly kind: 'multiple-accepted'; readonly eventIds: readonly string[] };

export type AnomalyKind = Anomaly['kind'];

/**
 * Everything known about one message. Only `timeline`,
 * `conflictingCopies` and `conversions` are facts; every other field is
 * derived from the first two by `project`, so the state is a function of
 * the set of distinct events.
 */
export interface MessageState {
  readonly wamid: string | undefined;
  readonly tenantId: string | undefined;
  readonly internalMessageId: string | undefined;
  readonly phoneNumberId: string | undefined;
  /** `undefined` until an event with a known status arrives. */
  readonly current: TrackedStatus | undefined;
  /** Chain steps below the furthest one seen that have no event of their own. */
  readonly impliedSteps: readonly Step[];
  readonly stepTimesMs: StepTimes;
  readonly recipient: MessageRecipient;
  readonly template: TemplateRef | undefined;
  readonly pricing: SourcedPricing | undefined;
  /** Every distinct error of every `failed` event, in timeline order. */
  readonly errors: readonly StatusError[];
  readonly anomalies: readonly Anomaly[];
  /** One event per `eventId`, ordered by (time, status order, eventId); `arrivalSeq` keeps arrival order. */
  readonly timeline: readonly StatusEvent[];
  /** Copies of a timeline `eventId` with other content, kept so nothing we were told is lost. */
  readonly conflictingCopies: readonly StatusEvent[];
  /** Leads and purchases Meta detected in this message (click-to-WhatsApp ads): one per `eventId`, by (time, eventId). */
  readonly conversions: readonly ConversionEvent[];
}
