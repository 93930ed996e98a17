import type { SuppressionChanged } from './fallback-event.types';
import { assertNever } from './fallback-event.types';

/** A user's place on a tenant's marketing suppression list. */
export interface SuppressionState {
  readonly user: string;
  readonly suppressed: boolean;
  readonly source: SuppressionChanged['source'];
  readonly changedAtMs: number;
}

/**
 * Last change by Meta's clock wins, so stop/resume webhooks delivered out of
 * order settle on what the user did last; on a tie, `stop` wins (sending
 * marketing to someone who opted out is the costlier mistake). The result
 * does not depend on the order changes are folded in.
 */
export function evolveSuppression(state: SuppressionState | null, e: SuppressionChanged): SuppressionState {
  const next: SuppressionState = { user: e.user, suppressed: isStop(e.change), source: e.source, changedAtMs: e.atMs };
  if (!state) return next;
  if (e.atMs > state.changedAtMs) return next;
  if (e.atMs === state.changedAtMs && next.suppressed && !state.suppressed) return next;
  return state;
}

function isStop(change: SuppressionChanged['change']): boolean {
  switch (change) {
    case 'stop':
      return true;
    case 'resume':
      return false;
    default:
      return assertNever(change, 'suppression change');
  }
}

/** "May I send marketing to this user?" */
export function mayReceiveMarketing(state: SuppressionState | null | undefined): boolean {
  return !state?.suppressed;
}

/** `user_preferences` value → a change; `signup` opts in like `resume`, unknown values change nothing. */
export function preferenceChange(preference: 'stop' | 'resume' | 'signup' | 'unknown'): SuppressionChanged['change'] | null {
  switch (preference) {
    case 'stop':
      return 'stop';
    case 'resume':
    case 'signup':
      return 'resume';
    case 'unknown':
      return null;
    default:
      return assertNever(preference, 'preference');
  }
}

/** pricing.category / conversation origin values that mean marketing. */
export function isMarketingCategory(category: string | null | undefined): boolean {
  return category === 'marketing' || category === 'marketing_lite' || category === 'group_marketing';
}
