/**
 * The customer-service window (contract: a business may send free-form
 * messages until 24 hours after the customer's latest message) and the
 * 72-hour free entry point opened by a click-to-WhatsApp ad. Both are a
 * function of the *maximum* Meta timestamp seen, never of arrival order, so
 * late, reordered or duplicated webhooks give the same answer.
 */

export const SERVICE_WINDOW_MS = 24 * 60 * 60 * 1000;
export const FREE_ENTRY_POINT_MS = 72 * 60 * 60 * 1000;

export interface WindowState {
  /** Meta timestamp (ms) of the latest message that opens the window. */
  readonly lastInboundAtMs: number | null;
  /** Meta timestamp (ms) of the latest message that came from a click-to-WhatsApp ad. */
  readonly lastEntryPointAtMs: number | null;
}

export interface WindowObservation {
  readonly atMs: number;
  readonly opensWindow: boolean;
  readonly entryPoint: boolean;
}

export interface WindowView {
  readonly open: boolean;
  /** The instant the window closes (exclusive): open iff now < expiresAtMs. */
  readonly expiresAtMs: number | null;
  readonly lastInboundAtMs: number | null;
  readonly freeEntryPoint: { readonly open: boolean; readonly expiresAtMs: number } | null;
}

export const initialWindow: WindowState = { lastInboundAtMs: null, lastEntryPointAtMs: null };

const later = (a: number | null, b: number): number => (a === null || b > a ? b : a);

/** Commutative, associative and idempotent: a max over the observations. */
export function observeWindow(s: WindowState, o: WindowObservation): WindowState {
  if (!o.opensWindow) return s;
  return {
    lastInboundAtMs: later(s.lastInboundAtMs, o.atMs),
    lastEntryPointAtMs: o.entryPoint ? later(s.lastEntryPointAtMs, o.atMs) : s.lastEntryPointAtMs,
  };
}

const laterOf = (a: number | null, b: number | null): number | null => (b === null ? a : later(a, b));

/** The window of two sets of messages together (a merged conversation): the max of each. */
export function mergeWindows(a: WindowState, b: WindowState): WindowState {
  return { lastInboundAtMs: laterOf(a.lastInboundAtMs, b.lastInboundAtMs), lastEntryPointAtMs: laterOf(a.lastEntryPointAtMs, b.lastEntryPointAtMs) };
}

/** The window as seen at `nowMs`; exactly 24 h after the last message it is closed. */
export function windowAt(s: WindowState, nowMs: number): WindowView {
  const expiresAtMs = s.lastInboundAtMs === null ? null : s.lastInboundAtMs + SERVICE_WINDOW_MS;
  const fepExpires = s.lastEntryPointAtMs === null ? null : s.lastEntryPointAtMs + FREE_ENTRY_POINT_MS;
  return {
    open: expiresAtMs !== null && nowMs < expiresAtMs,
    expiresAtMs,
    lastInboundAtMs: s.lastInboundAtMs,
    freeEntryPoint: fepExpires === null ? null : { open: nowMs < fepExpires, expiresAtMs: fepExpires },
  };
}
