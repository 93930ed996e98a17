import type { AccountState, MonitorEvent, PhoneState, SendDecision } from '@wahooks/template-domain';

import type { HealthQueryRow, TemplateQueryRow } from './monitor-query.repository';

const iso = (ms: number | undefined | null): string | null => (ms === undefined || ms === null ? null : new Date(ms).toISOString());

/** Times as ISO strings, ids without our namespace: what API clients read. */
function historyView(history: readonly MonitorEvent[]) {
  return history.map(({ eventId, atMs, ...rest }) => ({ ...rest, at: iso(atMs), eventId: eventId.replace(/^template-monitor:/, '') }));
}

export function templateView(r: TemplateQueryRow, withHistory: boolean) {
  const s = r.state;
  return {
    wabaId: r.waba_id,
    name: r.name,
    language: r.language,
    templateId: r.template_id,
    templateIds: s.templateIds,
    status: s.status ?? null,
    statusAt: iso(s.statusAtMs),
    reason: s.reason ?? null,
    category: s.category ?? null,
    pendingCategory: s.pendingCategory ? { category: s.pendingCategory.category ?? null, effectiveAt: iso(s.pendingCategory.effectiveAtMs) } : null,
    quality: s.quality ? { score: s.quality.score, previousScore: s.quality.previousScore ?? null, at: iso(s.quality.atMs) } : null,
    pause: s.pause ? { ordinal: s.pause.ordinal, title: s.pause.title ?? null, startedAt: iso(s.pause.startedAtMs), endsAt: iso(s.pause.endsAtMs) } : null,
    pauseCount: s.pauseCount,
    rejection: s.rejection ?? null,
    disableDate: s.disableDate ?? null,
    components: s.components ?? null,
    lastEventAt: iso(s.lastEventAtMs),
    ...(withHistory ? { history: historyView(s.history) } : {}),
  };
}

export function decisionView(d: SendDecision) {
  return { allowed: d.allowed, reason: d.reason, until: iso(d.untilMs), warnings: d.warnings };
}

export function phoneView(r: HealthQueryRow, withHistory: boolean) {
  const s = r.state as PhoneState;
  return {
    wabaId: r.waba_id,
    displayPhoneNumber: r.subject,
    qualityEvent: s.qualityEvent ?? null,
    qualityAt: iso(s.qualityAtMs),
    flagged: s.flagged,
    limit: s.limit ?? null,
    previousLimit: s.previousLimit ?? null,
    name: s.name ? { ...s.name, at: iso(s.name.atMs), atMs: undefined } : null,
    ...(withHistory ? { history: historyView(s.history) } : {}),
  };
}

export function accountView(r: HealthQueryRow, nowMs: number, withHistory: boolean) {
  const s = r.state as AccountState;
  const at = <T extends { atMs: number | undefined }>(v: T | undefined) => (v ? { ...v, atMs: undefined, at: iso(v.atMs) } : null);
  return {
    wabaId: r.waba_id,
    lastUpdate: at(s.lastUpdate),
    restrictions: s.restrictions.map((x) => ({ ...x, active: x.expiration === undefined || (typeof x.expiration === 'number' ? x.expiration * 1000 > nowMs : Date.parse(x.expiration) > nowMs) })),
    restrictedAt: iso(s.restrictedAtMs),
    violation: at(s.violation),
    ban: at(s.ban),
    review: at(s.review),
    capability: at(s.capability),
    alerts: s.alerts.map((a) => ({ ...a, atMs: undefined, at: iso(a.atMs) })),
    securityEvents: s.securityEvents,
    lastSecurity: at(s.lastSecurity),
    // `?? []`: account rows written before these fields existed, until their next event or a rebuild.
    paymentConfigurations: (s.paymentConfigurations ?? []).map((c) => ({
      name: c.name,
      providerName: c.providerName ?? null,
      providerMid: c.providerMid ?? null,
      status: c.status ?? null,
      blocksPayments: c.blocksPayments,
      createdAt: iso(c.createdAtMs),
      updatedAt: iso(c.updatedAtMs),
      at: iso(c.atMs),
    })),
    partnerSolutions: (s.partnerSolutions ?? []).map((p) => ({ solutionId: p.solutionId, status: p.status ?? null, lastEvent: p.lastEvent ?? null, at: iso(p.atMs) })),
    ...(withHistory ? { history: historyView(s.history) } : {}),
  };
}
