/**
 * Versioned Kafka topic names. A breaking change to a payload gets a new
 * version suffix and both topics live side by side while consumers move.
 */
export const Topics = {
  /** Raw Meta webhook bodies, byte-identical to what Meta signed; key = tenant id. */
  webhooksRaw: 'whatsapp.webhooks.raw.v1',
  /** Send-side acknowledgements ("accepted") from internal senders; key = tenant id. */
  messagesAccepted: 'whatsapp.messages.accepted.v1',
  /** Platform-URL entries whose WABA no tenant owns yet; key = WABA id. Kept for replay. */
  webhooksUnrouted: 'whatsapp.webhooks.unrouted.v1',
} as const;

export type TopicName = (typeof Topics)[keyof typeof Topics];

/**
 * The consumer groups of the suite's services (their default
 * CONSUMER_GROUP_ID). Each group owns a dead-letter and a retry topic.
 */
export const ConsumerGroups = {
  statusProjector: 'wahooks-status-projector',
  fallbackTrigger: 'wahooks-fallback-trigger',
  templateMonitor: 'wahooks-template-monitor',
  inboundReply: 'wahooks-inbound-reply',
} as const;

/**
 * What one consumer group could not handle: the record as it came, with
 * headers saying where from, why, and whether it was poison or parked
 * after repeated failures. Only that group's replay reads it.
 */
export const deadLetterTopic = (groupId: string): string => `${groupId}.dlq`;

/**
 * Where `npm run dlq:replay` puts a group's dead letters back: only that
 * group consumes it, so a replay never reaches the other consumers of the
 * record's origin topic.
 */
export const retryTopic = (groupId: string): string => `${groupId}.retry`;

/**
 * Raw webhook records carry Meta's body (up to 3 MiB) and, for platform-URL
 * splits, the original body in a header as well: the broker's default
 * 1 MiB per record batch would refuse them, so these topics allow 8 MiB.
 */
const LARGE_RECORDS = { 'max.message.bytes': String(8 * 1024 * 1024) };

export interface TopicSpec {
  name: string;
  partitions: number;
  /** Topic-level configuration the scripts set at creation (and on existing topics). */
  config?: Record<string, string>;
}

/** A group's own topics: its dead letters and their replays (raw records can be 3 MiB and more). */
export function groupTopicSpecs(groupId: string): TopicSpec[] {
  return [
    { name: deadLetterTopic(groupId), partitions: 1, config: LARGE_RECORDS },
    { name: retryTopic(groupId), partitions: 1, config: LARGE_RECORDS },
  ];
}

/** Every topic the suite needs, with the partition count the local scripts create. */
export const TopicSpecs: ReadonlyArray<TopicSpec> = [
  { name: 'whatsapp.message-status.v1', partitions: 6 },
  { name: 'whatsapp.conversions.v1', partitions: 3 },
  { name: 'whatsapp.alerts.v1', partitions: 3 },
  { name: 'whatsapp.fallback.retry-requested.v1', partitions: 3 },
  { name: 'whatsapp.fallback.template-required.v1', partitions: 3 },
  { name: 'whatsapp.fallback.events.v1', partitions: 3 },
  { name: 'whatsapp.templates.state.v1', partitions: 3 },
  { name: 'whatsapp.inbound.messages.v1', partitions: 6 },
  { name: 'whatsapp.inbound.customer-replied.v1', partitions: 6 },
  { name: 'whatsapp.inbound.media.v1', partitions: 3 },
  { name: 'whatsapp.inbound.contacts.v1', partitions: 6 },
  { name: Topics.webhooksRaw, partitions: 6, config: LARGE_RECORDS },
  { name: Topics.messagesAccepted, partitions: 6 },
  { name: Topics.webhooksUnrouted, partitions: 1, config: LARGE_RECORDS },
  ...Object.values(ConsumerGroups).flatMap(groupTopicSpecs),
];

/** Topics the status projector publishes. */
export const StatusTopics = {
  /** A message's current status moved (never duplicates); key = tenant id. */
  statusChanged: 'whatsapp.message-status.v1',
  /** Operational alerts (stalled messages, …); key = tenant id. */
  alerts: 'whatsapp.alerts.v1',
  /** A lead or purchase Meta detected in a message of a click-to-WhatsApp ad chat (`automatic_events`), once each; key = tenant id. */
  conversions: 'whatsapp.conversions.v1',
} as const;

/** Topics the fallback trigger publishes (through its outbox); key = tenant id. */
export const FallbackTopics = {
  /** Ask the sending service to retry a message after a delay. */
  retryRequested: 'whatsapp.fallback.retry-requested.v1',
  /** The 24-hour window is closed: the sender must use a template. */
  templateRequired: 'whatsapp.fallback.template-required.v1',
  /** An SMS fallback was requested / sent / failed, or superseded by a late delivery. */
  fallbackEvents: 'whatsapp.fallback.events.v1',
} as const;

/** Topics the template monitor publishes; key = tenant id. */
export const TemplateTopics = {
  /** Current state changes of templates, numbers and accounts. */
  stateChanged: 'whatsapp.templates.state.v1',
} as const;

/** Topics the inbound-reply service publishes; key = tenant id. */
export const InboundTopics = {
  /** Every inbound customer message, normalized, with its conversation context. */
  messages: 'whatsapp.inbound.messages.v1',
  /** "The customer replied": reminder and campaign systems stop follow-ups on it. */
  customerReplied: 'whatsapp.inbound.customer-replied.v1',
  /** Media of inbound messages stored or failed. */
  media: 'whatsapp.inbound.media.v1',
  /** Two contacts found to be one customer were merged (`contact.merged`); the business's app address book changed (`contact.synced`). */
  contacts: 'whatsapp.inbound.contacts.v1',
} as const;
