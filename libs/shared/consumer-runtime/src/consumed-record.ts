import type { BatchControl, RecordBatch } from '@wahooks/kafka';

export type { BatchControl, ConsumedRecord, RecordBatch } from '@wahooks/kafka';

/** For typed handlers: `@EventPattern<BatchEvents>(topic)` receives a RecordBatch. */
export type BatchEvents = Record<string, RecordBatch>;

/**
 * The second argument of a batch handler (`@Ctx()`): heartbeats and
 * liveness for work that takes more than a moment (chunked transactions).
 */
export interface BatchContext {
  control: BatchControl;
}

const DETACHED: BatchControl = { heartbeat: async () => undefined, alive: () => true };

/** The batch's control from a handler's `@Ctx()` argument (a no-op one when called outside the consumer, e.g. from HTTP). */
export function controlOf(ctx: unknown): BatchControl {
  const control = (ctx as Partial<BatchContext> | undefined)?.control;
  return control && typeof control.heartbeat === 'function' && typeof control.alive === 'function' ? control : DETACHED;
}
