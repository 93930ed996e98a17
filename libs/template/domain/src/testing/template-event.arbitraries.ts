import fc from 'fast-check';

import type { TemplateEvent } from '../monitor-event.types';
import { TEMPLATE_STATUSES } from '../template-status';
import { T0_MS } from './template-event.builders';

/*
 * Events of one template from small pools on purpose: few minutes so that
 * ties in time are common, few copies per id so duplicates collide, and
 * missing times sometimes.
 */
const atMs = fc.option(fc.integer({ min: 0, max: 6 }).map((m) => T0_MS + m * 60_000), { nil: undefined, freq: 8 });
const opt = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });

const statusEvent = fc
  .record({
    event: fc.constantFrom(...TEMPLATE_STATUSES, 'PAUSED', 'PAUSED', 'SOMETHING_NEW'),
    atMs,
    copy: fc.integer({ min: 0, max: 2 }),
    title: opt(fc.constantFrom('FIRST_PAUSE', 'SECOND_PAUSE', 'RATE_LIMITING_PAUSE', 'UNPAUSE')),
    category: opt(fc.constantFrom('MARKETING', 'UTILITY')),
    reason: fc.constantFrom(undefined, null, 'NONE', 'ABUSIVE_CONTENT'),
  })
  .map(({ copy, title, ...e }): TemplateEvent => ({
    type: 'template.status',
    eventId: `s:${e.event}:${copy}`,
    atMs: e.atMs,
    templateId: '1001',
    event: e.event,
    reason: e.reason,
    category: e.category,
    otherInfoTitle: title,
    otherInfoDescription: undefined,
    rejectionReason: e.event === 'REJECTED' ? 'bad' : undefined,
    rejectionRecommendation: undefined,
    disableDate: e.event === 'FLAGGED' ? 1_750_100_000 : undefined,
  }));

const qualityEvent = fc
  .record({ score: fc.constantFrom('GREEN', 'YELLOW', 'RED'), atMs, copy: fc.integer({ min: 0, max: 1 }), templateId: fc.constantFrom('1001', '1002') })
  .map(({ copy, ...e }): TemplateEvent => ({ type: 'template.quality', eventId: `q:${e.score}:${copy}`, previousScore: undefined, ...e }));

const categoryEvent = fc
  .record({ phase: fc.constantFrom('impending' as const, 'completed' as const), atMs, category: opt(fc.constantFrom('MARKETING', 'UTILITY')) })
  .map((e): TemplateEvent => ({
    type: 'template.category',
    eventId: `c:${e.phase}:${e.category ?? '-'}`,
    templateId: '1001',
    previousCategory: undefined,
    correctCategory: e.phase === 'impending' ? 'MARKETING' : undefined,
    effectiveAtMs: e.phase === 'impending' ? T0_MS + 86_400_000 : undefined,
    ...e,
  }));

/** Event ids are content identities: two events with one id must be equal, as the store guarantees. */
function consistent(events: TemplateEvent[]): TemplateEvent[] {
  const first = new Map<string, TemplateEvent>();
  return events.map((e) => {
    const seen = first.get(e.eventId);
    if (seen) return seen;
    first.set(e.eventId, e);
    return e;
  });
}

export const templateEvents = fc.array(fc.oneof(statusEvent, statusEvent, qualityEvent, categoryEvent), { maxLength: 14 }).map(consistent);

/** A history and the same history shuffled with some events delivered again. */
export const reorderedWithDuplicates = templateEvents.chain((events) =>
  fc
    .tuple(fc.shuffledSubarray(events, { minLength: events.length, maxLength: events.length }), fc.subarray(events))
    .chain(([shuffled, again]) => fc.shuffledSubarray([...shuffled, ...again], { minLength: shuffled.length + again.length, maxLength: shuffled.length + again.length }))
    .map((replay) => ({ events, replay })),
);
