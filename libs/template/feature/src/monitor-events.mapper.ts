import type { NewEvent, RecordedEvent } from '@wahooks/event-store';
import type { MessagingLimit, MetaEvent } from '@wahooks/meta-contract';
import { Limit, MONITOR_EVENT_TYPES, MonitorEvent, MonitorEventType, normalizeLanguage } from '@wahooks/template-domain';

export const MONITOR_SCHEMA_VERSION = 1;

/** What an event is about; stored beside the fact so projections can key rows without parsing stream ids. */
export type Subject =
  | { readonly entity: 'template'; readonly wabaId: string; readonly name: string; readonly language: string }
  | { readonly entity: 'phone'; readonly wabaId: string; readonly displayPhoneNumber: string }
  | { readonly entity: 'account'; readonly wabaId: string };

export const streamOf = (s: Subject): string => {
  switch (s.entity) {
    case 'template':
      return `template:${s.wabaId}:${s.language}:${s.name}`;
    case 'phone':
      return `phone:${s.wabaId}:${s.displayPhoneNumber}`;
    case 'account':
      return `account:${s.wabaId}`;
  }
};

/**
 * Namespaced: the event store's idempotency keys are unique per tenant across
 * services, and another consumer of the same webhooks must not make ours look
 * like duplicates (nor ours theirs).
 */
const KEY_PREFIX = 'template-monitor:';
export const storeKey = (metaKey: string): string => `${KEY_PREFIX}${metaKey}`;

/** A fact without its identity (the store key is its identity). */
type Fact<E = MonitorEvent> = E extends MonitorEvent ? Omit<E, 'eventId'> : never;
type Stored = { subject: Subject; event: Fact };

const limit = (l: MessagingLimit | undefined): Limit | undefined => (l ? { raw: l.raw, daily: l.dailyConversations } : undefined);
const atMs = (e: MetaEvent): number | undefined => (e.entryTime !== undefined ? e.entryTime * 1000 : undefined);

/** A management event of the contract as the fact we keep; `undefined` for kinds this service ignores. */
export function toStored(e: MetaEvent): Stored | undefined {
  const base = { atMs: atMs(e) };
  const account: Subject = { entity: 'account', wabaId: e.wabaId };
  const phone: Subject = { entity: 'phone', wabaId: e.wabaId, displayPhoneNumber: e.displayPhoneNumber ?? 'unknown' };
  switch (e.kind) {
    case 'template.status':
    case 'template.quality':
    case 'template.category':
    case 'template.components': {
      // Senders address a template by name and language; without a name, its id stands in.
      const name = e.templateName ?? (e.templateId !== undefined ? `id:${e.templateId}` : 'unknown');
      const subject: Subject = { entity: 'template', wabaId: e.wabaId, name, language: normalizeLanguage(e.language ?? 'unknown') };
      return { subject, event: templateFact(e, base) };
    }
    case 'phone_number.quality':
      return { subject: phone, event: { type: 'phone_number.quality', ...base, event: e.event, currentLimit: limit(e.currentLimit), oldLimit: limit(e.oldLimit), maxDailyConversations: limit(e.maxDailyConversationsPerBusiness) } };
    case 'phone_number.name':
      return { subject: phone, event: { type: 'phone_number.name', ...base, decision: e.decision, requestedVerifiedName: e.requestedVerifiedName, rejectionReason: e.rejectionReason } };
    case 'account.update':
      return {
        subject: account,
        event: { type: 'account.update', ...base, event: e.event, phoneNumber: e.phoneNumber, restrictions: e.restrictions.map((r) => ({ type: r.restrictionType, expiration: r.expiration })), violationType: e.violationType, ban: e.ban },
      };
    case 'account.alert':
      return { subject: account, event: { type: 'account.alert', ...base, entityType: e.entityType, entityId: e.entityId, severity: e.severity, status: e.status, alertType: e.alertType, description: e.description } };
    case 'account.review':
      return { subject: account, event: { type: 'account.review', ...base, decision: e.decision } };
    case 'business.capability':
      return {
        subject: account,
        event: { type: 'business.capability', ...base, maxDailyConversationPerPhone: limit(e.maxDailyConversationPerPhone), maxDailyConversationsPerBusiness: limit(e.maxDailyConversationsPerBusiness), maxPhoneNumbersPerBusiness: e.maxPhoneNumbersPerBusiness, maxPhoneNumbersPerWaba: e.maxPhoneNumbersPerWaba },
      };
    case 'security':
      return { subject: account, event: { type: 'security', ...base, displayPhoneNumber: e.displayPhoneNumber, event: e.event, requester: e.requester } };
    case 'payment.configuration':
      return {
        subject: account,
        event: { type: 'payment.configuration', ...base, configurationName: e.configurationName, providerName: e.providerName, providerMid: e.providerMid, status: e.status, createdAt: e.createdAt, updatedAt: e.updatedAt },
      };
    case 'partner.solution':
      // `wabaId` is the business portfolio id Meta puts in `entry.id`: the account it lands on is the one registered under that id.
      return { subject: account, event: { type: 'partner.solution', ...base, solutionId: e.solutionId, event: e.event, status: e.solutionStatus } };
    default:
      return undefined;
  }
}

function templateFact(e: Extract<MetaEvent, { kind: `template.${string}` }>, base: { atMs: number | undefined }): Fact {
  const ref = { ...base, templateId: e.templateId };
  switch (e.kind) {
    case 'template.status':
      return {
        type: 'template.status', ...ref, event: e.event, reason: e.reason, category: e.category,
        otherInfoTitle: e.otherInfo?.title, otherInfoDescription: e.otherInfo?.description,
        rejectionReason: e.rejectionInfo?.reason, rejectionRecommendation: e.rejectionInfo?.recommendation, disableDate: e.disableDate,
      };
    case 'template.quality':
      return { type: 'template.quality', ...ref, previousScore: e.previousQualityScore, score: e.newQualityScore };
    case 'template.category': {
      const u = e.update;
      return u.phase === 'impending'
        ? { type: 'template.category', ...ref, phase: 'impending', category: u.currentCategory, previousCategory: undefined, correctCategory: u.correctCategory, effectiveAtMs: u.effectiveAt !== undefined ? u.effectiveAt * 1000 : undefined }
        : { type: 'template.category', ...ref, phase: 'completed', category: u.newCategory, previousCategory: u.previousCategory, correctCategory: undefined, effectiveAtMs: undefined };
    }
    case 'template.components':
      return { type: 'template.components', ...ref, title: e.title, body: e.element, footer: e.footer, buttons: e.buttons };
  }
}

export function toNewEvent(tenantId: string, e: MetaEvent, metadata: NewEvent['metadata']): NewEvent | undefined {
  const stored = toStored(e);
  if (!stored) return undefined;
  return {
    tenantId,
    streamId: streamOf(stored.subject),
    type: stored.event.type,
    schemaVersion: MONITOR_SCHEMA_VERSION,
    data: jsonSafe(stored),
    idempotencyKey: storeKey(e.idempotencyKey),
    metadata,
  };
}

/** Ours: a monitor type under our key namespace (other services may store facts from the same webhooks). */
export const isMonitorEvent = (e: RecordedEvent): boolean =>
  e.idempotencyKey.startsWith(KEY_PREFIX) && (MONITOR_EVENT_TYPES as readonly string[]).includes(e.type);

/** A stored event back into the domain: the store key is the event's identity, in live runs and rebuilds alike. */
export function fromRecorded(e: RecordedEvent): { subject: Subject; event: MonitorEvent } {
  const data = e.data as Stored;
  return { subject: data.subject, event: { ...data.event, type: e.type as MonitorEventType, eventId: e.idempotencyKey } as MonitorEvent };
}

/** JSON.stringify drops undefined: what is stored must equal what a rebuild reads back. */
export function jsonSafe<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
