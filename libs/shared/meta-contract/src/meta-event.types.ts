import type {
  AccountAlertEvent,
  AccountReviewEvent,
  AccountUpdateEvent,
  BusinessCapabilityEvent,
  FlowUpdateEvent,
  PartnerSolutionEvent,
  PaymentConfigurationEvent,
  PhoneNumberNameEvent,
  PhoneNumberQualityEvent,
  SecurityEvent,
  TemplateCategoryEvent,
  TemplateComponentsEvent,
  TemplateQualityEvent,
  TemplateStatusEvent,
} from './management-events.types';
import type {
  AdConversionEvent,
  CallEvent,
  ContactSyncEvent,
  GroupEvent,
  HistoryEvent,
  InboundMessageEvent,
  MarketingUserActionEvent,
  MessageEchoEvent,
  MessageErrorsEvent,
  MessageStatusEvent,
  UserPreferenceEvent,
} from './messaging-events.types';

/** Where an event came from in the delivery, what it is about, and how to deduplicate it. */
export interface EventBase {
  /** The change's `field` as sent; a mislabelled quality update keeps `message_template_status_update`. */
  readonly field: string;
  /** `entry.id`; the empty string if the entry had none. */
  readonly wabaId: string;
  /** `value.metadata.phone_number_id`; management fields have none. */
  readonly phoneNumberId: string | undefined;
  /** From `value.metadata`, or from the value itself on quality, name and security updates. */
  readonly displayPhoneNumber: string | undefined;
  readonly entryIndex: number;
  readonly changeIndex: number;
  /** Position in the change's item array (`messages[]`, `statuses[]`…); `undefined` for one-per-change kinds. */
  readonly itemIndex: number | undefined;
  /** `entry.time`, Unix seconds; Meta sets it on management fields only. */
  readonly entryTime: number | undefined;
  /**
   * Equal for the same logical event across Meta's retries, re-batching and
   * multi-app fan-out; never contains delivery positions. See README.
   */
  readonly idempotencyKey: string;
  /** The object the event was read from (the item, or the change value), as sent. */
  readonly raw: unknown;
}

export type UnknownReason =
  /** A field this library does not model (see `UNMODELLED_FIELDS`), or one it has never heard of. */
  | 'unmodelled_field'
  /** The change has no string `field`. */
  | 'missing_field'
  /** An `entry[]` element that is not an object (only reachable when the envelope was not parsed here). */
  | 'entry_not_object'
  /** The entry has no `changes` array (e.g. a Messenger-style `messaging` entry). */
  | 'entry_without_changes'
  | 'change_not_object'
  | 'value_not_object'
  | 'item_not_object'
  /** A `messages[]`, echo or history item without an `id`: nothing to deduplicate on. */
  | 'message_without_id'
  | 'status_without_id'
  | 'status_without_status'
  /** A known field whose value matches none of its known shapes. */
  | 'unrecognised_shape'
  /** Members of a messaging value this library does not know; `raw` holds just those members. */
  | 'unrecognised_keys'
  /** A messaging value with no items and no errors. */
  | 'empty_change'
  /** A bug in this library, contained to one change; `detail` has the message. */
  | 'normalizer_error';

/** Anything not recognised. Never dropped: `raw` holds what was not understood. */
export interface UnknownEvent extends Omit<EventBase, 'field' | 'changeIndex'> {
  readonly kind: 'unknown';
  /** `undefined` when the change had no string `field`, or the problem is the entry itself. */
  readonly field: string | undefined;
  /** `undefined` when the problem is the entry itself. */
  readonly changeIndex: number | undefined;
  readonly reason: UnknownReason;
  readonly detail: string | undefined;
}

export type MetaEvent =
  | InboundMessageEvent
  | MessageStatusEvent
  | MessageErrorsEvent
  | MessageEchoEvent
  | HistoryEvent
  | CallEvent
  | UserPreferenceEvent
  | GroupEvent
  | ContactSyncEvent
  | AdConversionEvent
  | MarketingUserActionEvent
  | TemplateStatusEvent
  | TemplateQualityEvent
  | TemplateCategoryEvent
  | TemplateComponentsEvent
  | PhoneNumberQualityEvent
  | PhoneNumberNameEvent
  | BusinessCapabilityEvent
  | AccountUpdateEvent
  | AccountAlertEvent
  | AccountReviewEvent
  | SecurityEvent
  | PartnerSolutionEvent
  | PaymentConfigurationEvent
  | FlowUpdateEvent
  | UnknownEvent;

export type MetaEventKind = MetaEvent['kind'];

/** The member of the union with the given kind. */
export type MetaEventOf<K extends MetaEventKind> = Extract<MetaEvent, { kind: K }>;

/** For exhaustive switches: a new kind becomes a compile error at every switch that misses it. */
export function assertNever(value: never, what = 'value'): never {
  throw new Error(`unhandled ${what}: ${JSON.stringify(value)}`);
}
