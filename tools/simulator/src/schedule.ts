import { platformBody, webhookBody, WebhookUpdate } from './meta-payloads';
import type { Delivery, GenerateOptions, SimTenant } from './plan.types';
import { Prng } from './prng';
import type { AcceptedPayload, StreamItem } from './scenario';

interface OpenBatch<T> {
  items: T[];
  target: number;
  openedAt: number;
}

type Emitted = Omit<Delivery, 'seq'>;
type Routed = { tenantId: string; update: WebhookUpdate };

/** The key of the open batch of platform-URL updates (tenant ids never take this form). */
const PLATFORM = '\0platform';

/**
 * Turns the logical stream into POSTs the way Meta delivers them: shuffled
 * within windows, batched (1..batchMax updates per POST) per tenant URL or,
 * for a share of the updates, on the shared platform URL where one POST may
 * carry several tenants' entries; some updates re-sent inside a later POST,
 * and some POSTs delivered twice. Sends (accepted) are batched too, as a
 * sender would.
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
  const hooks = new Map<string, OpenBatch<Routed>>();
  const sends = new Map<string, OpenBatch<AcceptedPayload>>();
  const later: Array<{ due: number } & Routed> = [];
  const emitHook = (route: string, b: OpenBatch<Routed>) => {
    hooks.delete(route);
    if (route !== PLATFORM) {
      out.push({ kind: 'webhook', tenantId: route, body: webhookBody(byId.get(route) as SimTenant, b.items.map((x) => x.update)), updates: b.items.length });
      return;
    }
    const groups = new Map<string, WebhookUpdate[]>();
    for (const x of b.items) groups.set(x.tenantId, [...(groups.get(x.tenantId) ?? []), x.update]);
    const body = platformBody([...groups].map(([id, updates]) => [byId.get(id) as SimTenant, updates] as const));
    out.push({ kind: 'platform', tenantId: 'platform', tenants: [...groups.keys()], body, updates: b.items.length });
  };
  const emitSends = (tenantId: string, b: OpenBatch<AcceptedPayload>) => {
    out.push({ kind: 'accepted', tenantId, body: JSON.stringify(b.items.length === 1 ? b.items[0] : b.items), updates: b.items.length });
    sends.delete(tenantId);
  };
  const addHook = (x: Routed, i: number) => {
    const route = rng.chance(o.platformShare) ? PLATFORM : x.tenantId;
    const b = hooks.get(route) ?? { items: [], target: rng.int(1, Math.max(1, o.batchMax)), openedAt: i };
    hooks.set(route, b);
    b.items.push(x);
    if (b.items.length >= b.target) emitHook(route, b);
  };

  for (let i = 0; i < ordered.length; i++) {
    for (let k = later.length - 1; k >= 0; k--) {
      const l = later[k] as (typeof later)[number];
      if (l.due <= i) {
        later.splice(k, 1);
        addHook(l, i);
      }
    }
    const item = ordered[i] as StreamItem;
    if (item.kind === 'accepted') {
      const b = sends.get(item.tenantId) ?? { items: [], target: rng.int(1, 10), openedAt: i };
      sends.set(item.tenantId, b);
      b.items.push(item.payload);
      if (b.items.length >= b.target) emitSends(item.tenantId, b);
    } else {
      addHook({ tenantId: item.tenantId, update: item.update }, i);
      // Meta re-batches what it retries: statuses and messages show up again inside another POST.
      if ((item.kind === 'status' || item.kind === 'inbound') && rng.chance(o.refanout)) later.push({ due: i + rng.int(1, window * 3), tenantId: item.tenantId, update: item.update });
    }
    // A batch never waits much longer than a reorder window for company.
    for (const [route, b] of hooks) if (i - b.openedAt > window * 2) emitHook(route, b);
    for (const [tenantId, b] of sends) if (i - b.openedAt > window * 2) emitSends(tenantId, b);
  }
  for (const l of later) addHook(l, ordered.length);
  for (const [route, b] of [...hooks]) emitHook(route, b);
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
