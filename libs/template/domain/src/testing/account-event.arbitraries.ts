import fc from 'fast-check';

import type { AccountEvent } from '../monitor-event.types';
import { T0_MS } from './template-event.builders';

/*
 * Account events from small pools, as for templates: two configurations and
 * two solutions so that their latest states compete, few minutes so that
 * ties in time are common, copies so that ids collide, missing members and
 * times sometimes.
 */
const atMs = fc.option(fc.integer({ min: 0, max: 6 }).map((m) => T0_MS + m * 60_000), { nil: undefined, freq: 8 });
const opt = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });
const copy = fc.integer({ min: 0, max: 1 });

const payment = fc
  .record({
    name: fc.constantFrom('razorpay-prod', 'payu-test'),
    status: opt(fc.constantFrom('Active', 'Needs Connecting', 'Needs_Testing', 'Suspended')),
    providerMid: opt(fc.constantFrom('acc_GP4lfNA0iIMn5B', 'acc_2')),
    updatedAt: opt(fc.integer({ min: 1_749_000_000, max: 1_749_000_005 })),
    atMs,
    copy,
  })
  .map(({ copy: n, ...e }): AccountEvent => ({
    type: 'payment.configuration',
    eventId: `p:${e.name}:${e.status ?? '-'}:${e.providerMid ?? '-'}:${e.updatedAt ?? '-'}:${e.atMs ?? '-'}:${n}`,
    atMs: e.atMs,
    configurationName: e.name,
    providerName: 'razorpay',
    providerMid: e.providerMid,
    status: e.status,
    createdAt: 1_748_827_100,
    updatedAt: e.updatedAt,
  }));

const solution = fc
  .record({
    solutionId: fc.constantFrom('774485461512159', '1'),
    event: opt(fc.constantFrom('SOLUTION_CREATED', 'SOLUTION_UPDATED')),
    status: opt(fc.constantFrom('DRAFT', 'INITIATED', 'ACTIVE', 'REJECTED', 'PENDING_DEACTIVATION', 'DEACTIVATED')),
    atMs,
    copy,
  })
  .map(({ copy: n, ...e }): AccountEvent => ({ type: 'partner.solution', eventId: `s:${e.solutionId}:${e.event ?? '-'}:${e.status ?? '-'}:${e.atMs ?? '-'}:${n}`, ...e }));

const update = fc
  .record({ event: fc.constantFrom('ACCOUNT_VIOLATION', 'PARTNER_ADDED', 'ACCOUNT_RESTRICTION'), atMs })
  .map((e): AccountEvent => ({
    type: 'account.update',
    eventId: `u:${e.event}:${e.atMs ?? '-'}`,
    ...e,
    phoneNumber: undefined,
    restrictions: e.event === 'ACCOUNT_RESTRICTION' ? [{ type: 'RESTRICTED_BIZ_INITIATED_MESSAGING', expiration: 1_750_100_000 }] : [],
    violationType: e.event === 'ACCOUNT_VIOLATION' ? 'ADULT' : undefined,
    ban: undefined,
  }));

const security = atMs.map((at): AccountEvent => ({ type: 'security', eventId: `sec:${at ?? '-'}`, atMs: at, displayPhoneNumber: '15550001111', event: 'PIN_CHANGED', requester: undefined }));

/** Event ids are content identities: two events with one id are equal, as the store guarantees. */
function consistent(events: AccountEvent[]): AccountEvent[] {
  const first = new Map<string, AccountEvent>();
  return events.map((e) => {
    const seen = first.get(e.eventId);
    if (seen) return seen;
    first.set(e.eventId, e);
    return e;
  });
}

export const accountEvents = fc.array(fc.oneof(payment, payment, solution, solution, update, security), { maxLength: 14 }).map(consistent);

/** A history and the same history shuffled with some events delivered again. */
export const reorderedAccountEvents = accountEvents.chain((events) =>
  fc
    .tuple(fc.shuffledSubarray(events, { minLength: events.length, maxLength: events.length }), fc.subarray(events))
    .chain(([shuffled, again]) => fc.shuffledSubarray([...shuffled, ...again], { minLength: shuffled.length + again.length, maxLength: shuffled.length + again.length }))
    .map((replay) => ({ events, replay })),
);
