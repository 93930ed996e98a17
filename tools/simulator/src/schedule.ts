import { webhookBody, WebhookUpdate } from './meta-payloads';
import type { Delivery, GenerateOptions, SimTenant } from './plan.types';
import { Prng } from './prng';
import type { AcceptedPayload, StreamItem } from './scenario';

interface OpenBatch<T> {
  items: T[];
  target: number;
  openedAt: number;
}

type Emitted = Omit<Delivery, 'seq'>;

/**
 * Turns the logical stream into POSTs the way Meta delivers them: shuffled
 * within windows, batched per tenant (1..batchMax updates per POST), some
 * updates re-sent inside a later POST, and some POSTs delivered twice.
 * Sends (accepted) are batched too, as a sender would.
 */
export function scheduleDeliveries(stream: StreamItem[], tenants: SimTenant[], o: GenerateOptions, rng: Prng): Delivery[] {
  const byId = new Map(tenants.map((t) => [t.id, t]));
  const ordered = stream.map((item, i) => ({ item, i })).sort((a, b) => a.item.at - b.item.at || a.i - b.i).map((x) => x.item);
  const window = Math.max(1, o.reorderWindow);
  for (let start = 0; start < ordered.length; start += window) {
    const slice = ordered.slice(start, start + window);
    rng.shuffle(slice);
    ordered.splice(start, slice.length, ...slice);
  }

  const out: Emitted[] = [];
  const hooks = new Map<string, OpenBatch<WebhookUpdate>>();
  const sends = new Map<string, OpenBatch<AcceptedPayload>>();
  const later: Array<{ due: number; tenantId: string; update: WebhookUpdate }> = [];
  const emitHook = (tenantId: string, b: OpenBatch<WebhookUpdate>) => {
    out.push({ kind: 'webhook', tenantId, body: webhookBody(byId.get(tenantId) as SimTenant, b.items), updates: b.items.length });
    hooks.delete(tenantId);
  };
  const emitSends = (tenantId: string, b: OpenBatch<AcceptedPayload>) => {
    out.push({ kind: 'accepted', tenantId, body: JSON.stringify(b.items.length === 1 ? b.items[0] : b.items), updates: b.items.length });
    sends.delete(tenantId);
  };
  const addHook = (tenantId: string, update: WebhookUpdate, i: number) => {
    const b = hooks.get(tenantId) ?? { items: [], target: rng.int(1, Math.max(1, o.batchMax)), openedAt: i };
    hooks.set(tenantId, b);
    b.items.push(update);
    if (b.items.length >= b.target) emitHook(tenantId, b);
  };

  for (let i = 0; i < ordered.length; i++) {
    for (let k = later.length - 1; k >= 0; k--) {
      const l = later[k] as (typeof later)[number];
      if (l.due <= i) {
        later.splice(k, 1);
        addHook(l.tenantId, l.update, i);
      }
    }
    const item = ordered[i] as StreamItem;
    if (item.kind === 'accepted') {
      const b = sends.get(item.tenantId) ?? { items: [], target: rng.int(1, 10), openedAt: i };
      sends.set(item.tenantId, b);
      b.items.push(item.payload);
      if (b.items.length >= b.target) emitSends(item.tenantId, b);
    } else {
      addHook(item.tenantId, item.update, i);
      if (item.kind === 'status' && rng.chance(o.refanout)) later.push({ due: i + rng.int(1, window * 3), tenantId: item.tenantId, update: item.update });
    }
    // A batch never waits much longer than a reorder window for company.
    for (const [tenantId, b] of hooks) if (i - b.openedAt > window * 2) emitHook(tenantId, b);
    for (const [tenantId, b] of sends) if (i - b.openedAt > window * 2) emitSends(tenantId, b);
  }
  for (const l of later) addHook(l.tenantId, l.update, ordered.length);
  for (const [tenantId, b] of [...hooks]) emitHook(tenantId, b);
  for (const [tenantId, b] of [...sends]) emitSends(tenantId, b);

  // Meta's retries and fan-out: a share of POSTs arrives again, byte-identical, a little later.
  const keyed: Array<{ key: number; d: Emitted; original: number; copy: boolean }> = out.map((d, i) => ({ key: i, d, original: i, copy: false }));
  out.forEach((d, i) => {
    if (rng.chance(o.duplicates)) keyed.push({ key: i + rng.int(1, window) + 0.5, d, original: i, copy: true });
  });
  keyed.sort((a, b) => a.key - b.key);
  const seqOf = new Map<number, number>();
  keyed.forEach((k, seq) => {
    if (!k.copy) seqOf.set(k.original, seq);
  });
  return keyed.map((k, seq) => ({ seq, ...k.d, ...(k.copy ? { copyOf: seqOf.get(k.original) as number } : {}) }));
}
