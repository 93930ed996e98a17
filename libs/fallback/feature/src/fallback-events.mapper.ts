import type { AcceptedMessageV1 } from '@wahooks/events-contract';
import type { NewEvent, RecordedEvent } from '@wahooks/event-store';
import { isMarketingCategory, preferenceChange } from '@wahooks/fallback-domain';
import type { AcceptedObserved, FallbackEvent, StatusObserved, SuppressionChanged } from '@wahooks/fallback-domain';
import type { MessageStatusEvent, UserPreferenceEvent } from '@wahooks/meta-contract';

export const FALLBACK_SCHEMA_VERSION = 1;

/** Event-store types: `fallback.<domain type>` and `suppression.changed`. */
export const fallbackType = (e: FallbackEvent): string => `fallback.${e.type}`;
export const SUPPRESSION_TYPE = 'suppression.changed';

export const fallbackStream = (wamid: string): string => `fallback:${wamid}`;
export const suppressionStream = (user: string): string => `suppression:${user}`;

/**
 * Idempotency keys: observations reuse the Meta-contract key under our own
 * prefix (the status projector stores the same statuses under the bare key,
 * and keys are unique per tenant across the whole store); decisions are
 * keyed by message, so each happens at most once per message.
 */
export const decisionKey = (e: FallbackEvent | SuppressionChanged, wamid: string): string => {
  switch (e.type) {
    case 'decided':
    case 'sms-requested':
    case 'sms-completed':
    case 'superseded':
      return `fb-${e.type}:${wamid}`;
    case 'suppression':
      return `fb-suppress:${wamid}`;
    case 'accepted':
    case 'status':
      throw new Error(`observations are keyed by their source, not as decisions (${e.type})`);
  }
};

export function statusObserved(e: MessageStatusEvent): StatusObserved {
  const status = e.status;
  return {
    type: 'status',
    wamid: e.wamid,
    status,
    atMs: e.timestamp !== undefined ? e.timestamp * 1000 : null,
    recipientId: e.recipientId ?? null,
    recipientUserId: e.recipientUserId ?? null,
    marketing: isMarketingCategory(e.pricing?.category) || isMarketingCategory(e.conversation?.originType),
    errors: e.errors.map((x) => ({ code: x.code ?? null, details: x.details ?? null })),
  };
}

export function acceptedObserved(a: AcceptedMessageV1, recordedAtMs: number): AcceptedObserved {
  return {
    type: 'accepted',
    wamid: a.wamid,
    internalMessageId: a.internalMessageId,
    recipient: a.recipient,
    template: a.template ?? null,
    atMs: a.acceptedAt ? Date.parse(a.acceptedAt) : recordedAtMs,
  };
}

/** A stop/resume/signup webhook; undefined for unknown values or when no user is named. */
export function preferenceChanged(e: UserPreferenceEvent, fallbackAtMs: number): SuppressionChanged | undefined {
  const change = preferenceChange(e.preference);
  const user = e.waId ?? e.userId;
  if (!change || !user) return undefined;
  return { type: 'suppression', user, change, source: 'user_preferences', atMs: e.timestamp !== undefined ? e.timestamp * 1000 : fallbackAtMs };
}

export function toNewEvent(tenantId: string, e: FallbackEvent | SuppressionChanged, idempotencyKey: string, metadata: NewEvent['metadata'] = {}): NewEvent {
  if (e.type === 'suppression') {
    return { tenantId, streamId: suppressionStream(e.user), type: SUPPRESSION_TYPE, schemaVersion: FALLBACK_SCHEMA_VERSION, data: e, idempotencyKey, metadata };
  }
  return {
    tenantId,
    streamId: fallbackStream(e.wamid),
    type: fallbackType(e),
    schemaVersion: FALLBACK_SCHEMA_VERSION,
    data: e,
    idempotencyKey,
    metadata: { ...metadata, wamid: e.wamid },
  };
}

/** A stored event back into the domain (the data is the domain event as written). */
export function toDomain(e: Pick<RecordedEvent, 'type' | 'data'>): FallbackEvent | SuppressionChanged | undefined {
  if (e.type === SUPPRESSION_TYPE || e.type.startsWith('fallback.')) return e.data as FallbackEvent | SuppressionChanged;
  return undefined;
}

/** Stable per message: the provider's deduplication key for the one SMS a message may cause. */
export const smsIdempotencyKey = (tenantId: string, wamid: string, hash: (s: string) => string): string => `sms_${hash(`${tenantId}\n${wamid}`).slice(0, 40)}`;
