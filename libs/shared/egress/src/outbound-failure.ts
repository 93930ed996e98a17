import { EgressRefusedError } from './egress-agent';

/** What may be shown to a tenant about a call that got no HTTP answer. */
export type OutboundFailureCategory = 'timeout' | 'network' | 'refused-by-egress-policy';

export interface OutboundFailure {
  category: OutboundFailureCategory;
  /** For our logs only: the error chain's messages (addresses and codes, never headers or bodies). */
  detail: string;
}

interface ErrorLike {
  name?: unknown;
  message?: unknown;
  code?: unknown;
  cause?: unknown;
}

/** The errors of a thrown fetch error, outermost first (fetch wraps the socket's error in `cause`). Duck-typed: fetch's errors may come from another realm. */
function chain(error: unknown): ErrorLike[] {
  const out: ErrorLike[] = [];
  for (let e = error; typeof e === 'object' && e !== null && out.length < 5; e = (e as ErrorLike).cause) out.push(e as ErrorLike);
  return out;
}

/**
 * The egress agent's refusal. By class, and by its text too: when the
 * agent's error comes from another realm than fetch's (a test sandbox),
 * fetch wraps it in a plain Error whose message starts with our error's.
 */
export function isEgressRefusal(error: unknown): boolean {
  if (error instanceof EgressRefusedError) return true;
  const e = error as ErrorLike | null;
  return e?.code === 'EGRESS_REFUSED' || (typeof e?.message === 'string' && e.message.startsWith('EgressRefusedError: egress refused: '));
}

/**
 * Sorts a fetch failure into what a tenant may see (the category) and what
 * only our logs get (the detail). Timeouts are the AbortSignal's
 * TimeoutError (or an abort) and undici's connect timeout, refusals the
 * egress agent's error anywhere in the cause chain, anything else a network
 * error.
 */
export function describeOutboundFailure(error: unknown): OutboundFailure {
  const errors = chain(error);
  const detail = (errors.length > 0 ? errors.map((e) => `${String(e.name)}: ${String(e.message)}${e.code ? ` [${String(e.code)}]` : ''}`).join(' <- ') : String(error)).slice(0, 1000);
  if (errors.some(isEgressRefusal)) return { category: 'refused-by-egress-policy', detail };
  if (errors.some((e) => e.name === 'TimeoutError' || e.name === 'AbortError' || e.code === 'UND_ERR_CONNECT_TIMEOUT')) return { category: 'timeout', detail };
  return { category: 'network', detail };
}
