/** Every `message_template_status_update` event Meta documents. */
export const TEMPLATE_STATUSES = [
  'APPROVED',
  'REJECTED',
  'PENDING',
  'IN_APPEAL',
  'FLAGGED',
  'PAUSED',
  'DISABLED',
  'REINSTATED',
  'LOCKED',
  'ARCHIVED',
  'UNARCHIVED',
  'DELETED',
  'PENDING_DELETION',
  'LIMIT_EXCEEDED',
] as const;

export type TemplateStatus = (typeof TEMPLATE_STATUSES)[number];

/** A wire value we do not know stays visible as `UNKNOWN` in decisions, verbatim in the state. */
export function classifyTemplateStatus(raw: string | undefined): TemplateStatus | 'UNKNOWN' | undefined {
  if (raw === undefined) return undefined;
  return (TEMPLATE_STATUSES as readonly string[]).includes(raw) ? (raw as TemplateStatus) : 'UNKNOWN';
}

export const HOUR_MS = 3_600_000;

/**
 * Meta's pausing schedule: the first pause lasts 3 h, the second 6 h, a third
 * disables the template. `other_info.title` names the pause when present;
 * otherwise the count of pauses seen decides. Other pauses (rate limiting)
 * have no published duration.
 */
export function pauseDurationMs(title: string | undefined, ordinal: number): number | undefined {
  if (title === 'FIRST_PAUSE') return 3 * HOUR_MS;
  if (title === 'SECOND_PAUSE') return 6 * HOUR_MS;
  if (title !== undefined) return undefined;
  return ordinal === 1 ? 3 * HOUR_MS : ordinal === 2 ? 6 * HOUR_MS : undefined;
}

export function pauseOrdinal(title: string | undefined, count: number): number {
  return title === 'FIRST_PAUSE' ? 1 : title === 'SECOND_PAUSE' ? 2 : count;
}

/**
 * Template languages arrive as `en_US` or `en-US` depending on the source;
 * Meta's API uses the underscore form, so that is the key.
 */
export function normalizeLanguage(language: string): string {
  return language.trim().replace(/-/g, '_');
}
