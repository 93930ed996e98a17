import { createHash } from 'node:crypto';

import { FallbackTopics, StatusTopics } from '@wahooks/events-contract';
import { assertNever } from '@wahooks/fallback-domain';
import type { FallbackEvent, FallbackState, SuppressionChanged } from '@wahooks/fallback-domain';
import type { OutboxMessage } from '@wahooks/outbox';

import { smsIdempotencyKey } from './fallback-events.mapper';
import type { SmsPayload } from './sms-request.repository';

export interface Effects {
  outbox: OutboxMessage[];
  sms: SmsPayload[];
}

const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');

/**
 * The side effects of one newly stored decision, as rows written in the
 * same transaction: Kafka messages for the shared outbox relay and SMS
 * requests for the dispatcher. Keys are derived from the message, so a
 * decision replayed by any path can never produce a second effect.
 */
export function effectsOf(tenantId: string, d: FallbackEvent | SuppressionChanged, s: FallbackState): Effects {
  const out: Effects = { outbox: [], sms: [] };
  const msg = (topic: string, kind: string, payload: Record<string, unknown>): OutboxMessage => ({
    tenantId,
    topic,
    key: tenantId,
    idempotencyKey: `${kind}:${s.wamid}`,
    payload: { schemaVersion: 1, kind, tenantId, wamid: s.wamid, internalMessageId: s.internalMessageId, recipient: s.recipient, ...payload },
  });
  switch (d.type) {
    case 'decided': {
      const x = d.decision;
      const error = { errorCode: x.code, errorClass: x.errorClass, reason: x.reason, policyVersion: x.policyVersion };
      switch (x.action) {
        case 'retry':
          if (x.retry) {
            out.outbox.push(
              msg(FallbackTopics.retryRequested, 'retry-requested', { ...error, ...x.retry, notBefore: new Date(d.atMs + x.retry.delayMs).toISOString(), template: s.template }),
            );
          }
          break;
        case 'template-required':
          out.outbox.push(msg(FallbackTopics.templateRequired, 'template-required', { ...error, template: s.template, occurredAt: iso(s.failed?.atMs ?? d.atMs) }));
          break;
        case 'alert':
          out.outbox.push(msg(StatusTopics.alerts, 'fallback.needs-attention', error));
          break;
        case 'suppress-marketing':
          out.outbox.push(msg(FallbackTopics.fallbackEvents, 'marketing-suppressed', error));
          break;
        case 'sms-fallback':
        case 'none':
          break;
        default:
          assertNever(x.action, 'action');
      }
      break;
    }
    case 'sms-requested': {
      const idempotencyKey = smsIdempotencyKey(tenantId, s.wamid, sha256);
      out.sms.push({ idempotencyKey, tenantId, wamid: s.wamid, internalMessageId: s.internalMessageId, to: d.to, reason: d.reason, template: s.template });
      out.outbox.push(msg(FallbackTopics.fallbackEvents, 'sms-requested', { reason: d.reason, to: d.to, smsIdempotencyKey: idempotencyKey }));
      break;
    }
    case 'sms-completed':
      out.outbox.push(msg(FallbackTopics.fallbackEvents, `sms-${d.outcome}`, { attempts: d.attempts, detail: d.detail }));
      if (d.outcome === 'failed') out.outbox.push(msg(StatusTopics.alerts, 'fallback.sms-failed', { attempts: d.attempts, detail: d.detail }));
      break;
    case 'superseded':
      out.outbox.push(
        msg(FallbackTopics.fallbackEvents, 'superseded', {
          byStatus: d.byStatus,
          smsReason: s.sms?.reason ?? null,
          smsOutcome: s.sms?.outcome ?? null,
          // Why the customer may have both: the SMS left before the receipt came in.
          note: 'a delivery receipt arrived after the SMS fallback fired',
        }),
      );
      break;
    case 'suppression':
    case 'accepted':
    case 'status':
      break;
    default:
      assertNever(d, 'decision');
  }
  return out;
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());
