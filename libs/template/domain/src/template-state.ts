import { distinctInOrder } from './event-order';
import { assertNever, TemplateEvent, TemplateStatusChange } from './monitor-event.types';
import { pauseDurationMs, pauseOrdinal } from './template-status';

export interface TemplatePause {
  /** 1 for the first pause, 2 for the second… */
  readonly ordinal: number;
  readonly title: string | undefined;
  readonly startedAtMs: number | undefined;
  /** `undefined` when the duration is not published (rate-limiting pause) or the start is unknown. */
  readonly endsAtMs: number | undefined;
}

export interface TemplateState {
  /** Meta's ids seen for this name and language, sorted. */
  readonly templateIds: readonly string[];
  /** The latest status event as sent; `undefined` until one arrives. */
  readonly status: string | undefined;
  readonly statusAtMs: number | undefined;
  readonly reason: string | null | undefined;
  /** Status to return to on UNARCHIVED. */
  readonly statusBeforeArchive: string | undefined;
  readonly category: string | undefined;
  /** An announced recategorisation that has not completed yet. */
  readonly pendingCategory: { readonly category: string | undefined; readonly effectiveAtMs: number | undefined } | undefined;
  readonly quality: { readonly score: string; readonly previousScore: string | undefined; readonly atMs: number | undefined } | undefined;
  /** Set while the latest status is PAUSED. */
  readonly pause: TemplatePause | undefined;
  readonly pauseCount: number;
  readonly rejection: { readonly reason: string | undefined; readonly recommendation: string | undefined } | undefined;
  readonly disableDate: number | string | undefined;
  readonly components: { readonly title: string | undefined; readonly body: string | undefined; readonly footer: string | undefined; readonly buttons: TemplateEventButtons } | undefined;
  readonly lastEventAtMs: number | undefined;
  /** Every distinct event, in Meta's order: the state is a function of this set. */
  readonly history: readonly TemplateEvent[];
}

type TemplateEventButtons = Extract<TemplateEvent, { type: 'template.components' }>['buttons'];

const EMPTY: TemplateState = {
  templateIds: [],
  status: undefined,
  statusAtMs: undefined,
  reason: undefined,
  statusBeforeArchive: undefined,
  category: undefined,
  pendingCategory: undefined,
  quality: undefined,
  pause: undefined,
  pauseCount: 0,
  rejection: undefined,
  disableDate: undefined,
  components: undefined,
  lastEventAtMs: undefined,
  history: [],
};

export function initialTemplateState(): TemplateState {
  return projectTemplate([]);
}

/**
 * The state of one template from any collection of its events: they are
 * deduplicated and sorted by Meta's time first, so arrival order and
 * repetition never matter (a fast-check property holds it).
 */
export function projectTemplate(events: readonly TemplateEvent[]): TemplateState {
  const history = distinctInOrder(events);
  const ids = new Set(history.map((e) => e.templateId).filter((id): id is string => id !== undefined));
  const folded = history.reduce(step, EMPTY);
  return { ...folded, templateIds: [...ids].sort(), history };
}

/** One more event: project the stored set plus it, so `fold(evolve)` equals `project` by construction. */
export function evolveTemplate(state: TemplateState, event: TemplateEvent): TemplateState {
  return projectTemplate([...state.history, event]);
}

function step(s: TemplateState, e: TemplateEvent): TemplateState {
  const next = { ...s, lastEventAtMs: e.atMs ?? s.lastEventAtMs };
  switch (e.type) {
    case 'template.status':
      return applyStatus(next, e);
    case 'template.quality':
      return { ...next, quality: { score: e.score, previousScore: e.previousScore, atMs: e.atMs } };
    case 'template.category':
      return e.phase === 'impending'
        ? { ...next, category: e.category ?? next.category, pendingCategory: { category: e.correctCategory, effectiveAtMs: e.effectiveAtMs } }
        : { ...next, category: e.category ?? next.category, pendingCategory: undefined };
    case 'template.components':
      return { ...next, components: { title: e.title, body: e.body, footer: e.footer, buttons: e.buttons } };
    default:
      return assertNever(e, 'template event');
  }
}

function applyStatus(s: TemplateState, e: TemplateStatusChange): TemplateState {
  const base: TemplateState = {
    ...s,
    status: e.event === 'UNARCHIVED' ? (s.statusBeforeArchive ?? 'APPROVED') : e.event,
    statusAtMs: e.atMs,
    reason: e.reason,
    statusBeforeArchive: e.event === 'ARCHIVED' ? s.status : s.statusBeforeArchive,
    category: e.category ?? s.category,
    disableDate: e.disableDate ?? s.disableDate,
    rejection: e.event === 'REJECTED' ? { reason: e.rejectionReason, recommendation: e.rejectionRecommendation } : s.rejection,
    // Any other status ends a pause: Meta reports the unpause as a status (REINSTATED, APPROVED…).
    pause: undefined,
  };
  if (e.event !== 'PAUSED') return base;
  const pauseCount = s.pauseCount + 1;
  const ordinal = pauseOrdinal(e.otherInfoTitle, pauseCount);
  const duration = pauseDurationMs(e.otherInfoTitle, ordinal);
  return {
    ...base,
    pauseCount,
    pause: {
      ordinal,
      title: e.otherInfoTitle,
      startedAtMs: e.atMs,
      endsAtMs: duration !== undefined && e.atMs !== undefined ? e.atMs + duration : undefined,
    },
  };
}
