/**
 * Request-body bytes this process holds, across all connections: from the
 * moment a body is admitted (its declared Content-Length up front, or a
 * chunked body's bytes as they arrive) until its request is over (answered
 * after the broker's acknowledgement, aborted, timed out or refused).
 *
 * Why: bodies are buffered whole (the signature covers the raw bytes), so
 * without a bound a few hundred slow or stalled uploads of 3 MB each grow
 * the heap until the pod is OOM-killed, taking every healthy request in
 * flight with it. Past the budget a POST gets 503 before its body is read:
 * Meta retries a 503, nothing is lost, and memory stays flat.
 *
 * Plain integers and no per-request object: the fast path admits every
 * webhook through `tryAcquire` and `release` at ~20k requests/s.
 */
export class InflightBudget {
  private held = 0;

  constructor(readonly capacity: number) {
    if (!Number.isSafeInteger(capacity) || capacity <= 0) throw new RangeError(`in-flight budget must be a positive integer, got ${capacity}`);
  }

  /** Bytes admitted and not yet released. */
  get inFlight(): number {
    return this.held;
  }

  /** Takes `bytes` if they fit; false (nothing taken) if they would push the total over the capacity. */
  tryAcquire(bytes: number): boolean {
    if (this.held + bytes > this.capacity) return false;
    this.held += bytes;
    return true;
  }

  /** Gives back what `tryAcquire` took; each acquisition is released once, by its request. */
  release(bytes: number): void {
    // Never below zero, whatever a caller gets wrong: a negative count would silently raise the limit.
    this.held = bytes >= this.held ? 0 : this.held - bytes;
  }
}

/**
 * One request's share of the budget on the Fastify routes, where a chunked
 * body has no declared length: it grows chunk by chunk and is released
 * exactly once, however often its request's end is signalled. (The fast
 * path, where every request has a Content-Length, keeps a plain number
 * instead: no object per webhook.)
 */
export class BodyLease {
  private held = 0;
  private over = false;

  constructor(private readonly budget: InflightBudget) {}

  get bytes(): number {
    return this.held;
  }

  /** Released already: bytes arriving now are discarded, not held, and not counted. */
  get released(): boolean {
    return this.over;
  }

  /** Takes `bytes` more; false if they do not fit (or the lease is over). */
  grow(bytes: number): boolean {
    if (this.over || !this.budget.tryAcquire(bytes)) return false;
    this.held += bytes;
    return true;
  }

  release(): void {
    if (this.over) return;
    this.over = true;
    this.budget.release(this.held);
    this.held = 0;
  }
}

/** A chunked body ran into the budget: answered 503 `memory` (statusCode for Fastify's body reader, which keeps it). */
export class InflightBudgetExhausted extends Error {
  readonly statusCode = 503;

  constructor() {
    super('request bodies in flight exceed INTAKE_MAX_INFLIGHT_BYTES');
    this.name = 'InflightBudgetExhausted';
  }
}
