import { assertNever } from './monitor-event.types';
import type { TemplateState } from './template-state';
import { classifyTemplateStatus } from './template-status';
import type { AccountState } from './waba-health';

export type SendReason =
  | 'APPROVED'
  /** Nothing known about the template: not blocked by anything we saw (see docs). */
  | 'UNKNOWN_TEMPLATE'
  /** Paused, and the pause's published duration has passed: Meta unpauses on its own. */
  | 'PAUSE_ELAPSED'
  | 'PAUSED'
  | 'DISABLED'
  | 'REJECTED'
  | 'PENDING_REVIEW'
  | 'LOCKED'
  | 'ARCHIVED'
  | 'DELETED'
  | 'LIMIT_EXCEEDED'
  | 'UNKNOWN_STATUS'
  | 'ACCOUNT_RESTRICTED'
  | 'ACCOUNT_DISABLED';

export interface SendDecision {
  readonly allowed: boolean;
  readonly reason: SendReason;
  /** When the block ends, if known (end of a pause, restriction expiry). */
  readonly untilMs: number | undefined;
  /** Things that do not block but matter: quality RED, a FLAGGED template, a scheduled ban… */
  readonly warnings: readonly string[];
}

const decide = (allowed: boolean, reason: SendReason, untilMs?: number, warnings: string[] = []): SendDecision => ({ allowed, reason, untilMs, warnings });

/** "May I send this template now?": the account first (it blocks every template), then the template. */
export function maySend(template: TemplateState | undefined, account: AccountState | undefined, nowMs: number): SendDecision {
  const warnings = warningsOf(template, account);
  const accountBlock = accountDecision(account, nowMs);
  if (accountBlock) return { ...accountBlock, warnings };
  if (!template || template.history.length === 0) return decide(true, 'UNKNOWN_TEMPLATE', undefined, warnings);
  const status = classifyTemplateStatus(template.status);
  switch (status) {
    case undefined:
      // Quality, category or component updates only exist for live templates.
      return decide(true, 'APPROVED', undefined, [...warnings, 'NO_STATUS_RECEIVED']);
    case 'APPROVED':
    case 'REINSTATED':
    case 'FLAGGED':
    case 'UNARCHIVED':
      return decide(true, 'APPROVED', undefined, warnings);
    case 'PAUSED': {
      const ends = template.pause?.endsAtMs;
      if (ends !== undefined && nowMs >= ends) return decide(true, 'PAUSE_ELAPSED', undefined, warnings);
      return decide(false, 'PAUSED', ends, warnings);
    }
    case 'DISABLED':
      return decide(false, 'DISABLED', undefined, warnings);
    case 'REJECTED':
      return decide(false, 'REJECTED', undefined, warnings);
    case 'PENDING':
    case 'IN_APPEAL':
      return decide(false, 'PENDING_REVIEW', undefined, warnings);
    case 'LOCKED':
      return decide(false, 'LOCKED', undefined, warnings);
    case 'ARCHIVED':
      return decide(false, 'ARCHIVED', undefined, warnings);
    case 'DELETED':
    case 'PENDING_DELETION':
      return decide(false, 'DELETED', undefined, warnings);
    case 'LIMIT_EXCEEDED':
      return decide(false, 'LIMIT_EXCEEDED', undefined, warnings);
    case 'UNKNOWN':
      return decide(false, 'UNKNOWN_STATUS', undefined, warnings);
    default:
      return assertNever(status, 'template status');
  }
}

/** Restrictions on business-initiated messaging block templates until they expire. */
function accountDecision(account: AccountState | undefined, nowMs: number): SendDecision | undefined {
  if (!account) return undefined;
  if (account.ban?.state === 'DISABLE' || account.lastUpdate?.event === 'ACCOUNT_DELETED') return decide(false, 'ACCOUNT_DISABLED');
  let until: number | undefined;
  let blocked = false;
  for (const r of account.restrictions) {
    if (r.type !== undefined && !r.type.includes('BIZ_INITIATED')) continue;
    const expiresMs = expiryMs(r.expiration);
    if (expiresMs !== undefined && expiresMs <= nowMs) continue;
    blocked = true;
    if (expiresMs !== undefined) until = Math.max(until ?? 0, expiresMs);
  }
  return blocked ? decide(false, 'ACCOUNT_RESTRICTED', until) : undefined;
}

function warningsOf(template: TemplateState | undefined, account: AccountState | undefined): string[] {
  const out: string[] = [];
  if (template?.quality?.score === 'RED') out.push('QUALITY_RED');
  if (template?.status === 'FLAGGED') out.push('TEMPLATE_FLAGGED');
  if (template?.pendingCategory) out.push('CATEGORY_CHANGE_PENDING');
  if (account?.ban?.state === 'SCHEDULE_FOR_DISABLE') out.push('ACCOUNT_SCHEDULED_FOR_DISABLE');
  return out;
}

/** Unix seconds, or prose Date can read; `undefined` when neither. */
export function expiryMs(value: number | string | undefined): number | undefined {
  if (typeof value === 'number') return value * 1000;
  if (value === undefined) return undefined;
  const parsed = Date.parse(value);
  return Number.isNaN(parsed) ? undefined : parsed;
}
