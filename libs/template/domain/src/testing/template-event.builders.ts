import type { TemplateQualityChange, TemplateStatusChange } from '../monitor-event.types';

export const T0_MS = 1_750_000_000_000;

/** A status event at `T0 + minutes`; `id` defaults to one per (event, minute). */
export function status(event: string, minutes: number, extra: Partial<TemplateStatusChange> = {}): TemplateStatusChange {
  return {
    type: 'template.status',
    eventId: `${event}@${minutes}`,
    atMs: T0_MS + minutes * 60_000,
    templateId: '1001',
    event,
    reason: undefined,
    category: undefined,
    otherInfoTitle: undefined,
    otherInfoDescription: undefined,
    rejectionReason: undefined,
    rejectionRecommendation: undefined,
    disableDate: undefined,
    ...extra,
  };
}

export function quality(score: string, minutes: number, previousScore?: string): TemplateQualityChange {
  return { type: 'template.quality', eventId: `q-${score}@${minutes}`, atMs: T0_MS + minutes * 60_000, templateId: '1001', score, previousScore };
}
