/**
 * Events of two messages folded into one state: a bug of the caller (the
 * projector keys its streams by tenant and wamid), not a fact about the
 * message, so it is thrown rather than recorded as an anomaly.
 */
export class WamidMismatchError extends Error {
  readonly code = 'STATUS_WAMID_MISMATCH';

  constructor(readonly wamids: readonly string[]) {
    super(`status events of several messages in one state: ${wamids.join(', ')}`);
    this.name = 'WamidMismatchError';
  }
}
