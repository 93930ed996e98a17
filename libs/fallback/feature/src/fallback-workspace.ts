import type { RecordedEvent } from '@wahooks/event-store';
import type { SqlTx } from '@wahooks/prisma';
import { evolve, evolveSuppression, initialFallbackState } from '@wahooks/fallback-domain';
import type { FallbackEvent, FallbackState, SuppressionChanged, SuppressionState } from '@wahooks/fallback-domain';

import { toDomain } from './fallback-events.mapper';
import { FallbackMessageRepository, ProjectedFallback } from './fallback-message.repository';
import { ProjectedSuppression, SuppressionRepository } from './suppression.repository';

const key = (tenantId: string, id: string): string => `${tenantId}\u0000${id}`;

/**
 * The projections as one transaction sees them: rows are loaded on first
 * use, events folded in memory (stored ones, and decisions before they are
 * stored, so a later event of the same batch sees them), and every touched
 * row is written once by `flush`. Load after appending: the append holds the
 * streams' locks, so the rows read are the latest committed.
 */
export class FallbackWorkspace {
  private readonly messages = new Map<string, ProjectedFallback>();
  private readonly suppressions = new Map<string, ProjectedSuppression | null>();
  private readonly touched = new Set<string>();
  private readonly touchedSuppressions = new Set<string>();

  constructor(
    private readonly tx: SqlTx,
    private readonly messageRepo: FallbackMessageRepository,
    private readonly suppressionRepo: SuppressionRepository,
  ) {}

  /** Loads in bulk what `events` will touch (one query per tenant and table). */
  async preload(events: readonly RecordedEvent[]): Promise<void> {
    const wanted = new Map<string, { wamids: Set<string>; users: Set<string> }>();
    for (const e of events) {
      const d = toDomain(e);
      if (!d) continue;
      const w = wanted.get(e.tenantId) ?? { wamids: new Set(), users: new Set() };
      if (d.type === 'suppression') w.users.add(d.user);
      else w.wamids.add(d.wamid);
      wanted.set(e.tenantId, w);
    }
    for (const [tenantId, w] of wanted) {
      const wamids = [...w.wamids].filter((x) => !this.messages.has(key(tenantId, x)));
      for (const [wamid, row] of await this.messageRepo.load(this.tx, tenantId, wamids)) this.messages.set(key(tenantId, wamid), row);
      await this.loadUsers(tenantId, [...w.users]);
    }
  }

  /**
   * Loads, one query per tenant, the suppression rows of every recipient the
   * decisions on these messages may ask about: the ids the statuses name
   * and those the (preloaded) messages already know.
   */
  async preloadRecipients(items: ReadonlyArray<{ tenantId: string; wamid: string; ids: Array<string | null> }>): Promise<void> {
    const byTenant = new Map<string, Set<string>>();
    for (const { tenantId, wamid, ids } of items) {
      const state = this.messages.get(key(tenantId, wamid))?.state;
      const users = byTenant.get(tenantId) ?? new Set<string>();
      for (const id of [...ids, state?.recipient ?? null, state?.recipientUserId ?? null]) if (id) users.add(id);
      byTenant.set(tenantId, users);
    }
    for (const [tenantId, users] of byTenant) await this.loadUsers(tenantId, [...users]);
  }

  async message(tenantId: string, wamid: string): Promise<ProjectedFallback> {
    const k = key(tenantId, wamid);
    let row = this.messages.get(k);
    if (!row) {
      row = (await this.messageRepo.load(this.tx, tenantId, [wamid])).get(wamid) ?? { tenantId, wamid, state: initialFallbackState(wamid), lastPosition: 0n };
      this.messages.set(k, row);
    }
    return row;
  }

  /** The most recent preference among the ids a user is known by. */
  async suppression(tenantId: string, users: Array<string | null>): Promise<SuppressionState | null> {
    const ids = users.filter((u): u is string => !!u);
    await this.loadUsers(tenantId, ids);
    const states = ids.map((u) => this.suppressions.get(key(tenantId, u))?.state).filter((s): s is SuppressionState => !!s);
    return states.sort((a, b) => b.changedAtMs - a.changedAtMs)[0] ?? null;
  }

  /** Folds a stored event. */
  async applyRecorded(e: RecordedEvent): Promise<void> {
    const d = toDomain(e);
    if (d) await this.fold(e.tenantId, d, e.globalPosition);
  }

  /** Folds a decision that is about to be appended (position recorded by `notePosition`). */
  async fold(tenantId: string, d: FallbackEvent | SuppressionChanged, position?: bigint): Promise<void> {
    if (d.type === 'suppression') {
      await this.loadUsers(tenantId, [d.user]);
      const k = key(tenantId, d.user);
      const row = this.suppressions.get(k);
      this.suppressions.set(k, { tenantId, state: evolveSuppression(row?.state ?? null, d), lastPosition: max(row?.lastPosition ?? 0n, position) });
      this.touchedSuppressions.add(k);
      return;
    }
    const row = await this.message(tenantId, d.wamid);
    this.messages.set(key(tenantId, d.wamid), { ...row, state: evolve(row.state, d), lastPosition: max(row.lastPosition, position) });
    this.touched.add(key(tenantId, d.wamid));
  }

  /** After the decisions were appended: their positions join the rows'. */
  notePosition(e: RecordedEvent): void {
    const d = toDomain(e);
    if (!d) return;
    const k = key(e.tenantId, d.type === 'suppression' ? d.user : d.wamid);
    const map: Map<string, { lastPosition: bigint } | null> = d.type === 'suppression' ? this.suppressions : this.messages;
    const row = map.get(k);
    if (row) row.lastPosition = max(row.lastPosition, e.globalPosition);
  }

  state(tenantId: string, wamid: string): FallbackState | undefined {
    return this.messages.get(key(tenantId, wamid))?.state;
  }

  async flush(): Promise<void> {
    await this.messageRepo.upsert(this.tx, [...this.touched].map((k) => this.messages.get(k)).filter((r): r is ProjectedFallback => !!r));
    await this.suppressionRepo.upsert(this.tx, [...this.touchedSuppressions].map((k) => this.suppressions.get(k)).filter((r): r is ProjectedSuppression => !!r));
    this.touched.clear();
    this.touchedSuppressions.clear();
  }

  private async loadUsers(tenantId: string, users: string[]): Promise<void> {
    const missing = users.filter((u) => !this.suppressions.has(key(tenantId, u)));
    if (missing.length === 0) return;
    const loaded = await this.suppressionRepo.load(this.tx, tenantId, missing);
    for (const u of missing) this.suppressions.set(key(tenantId, u), loaded.get(u) ?? null);
  }
}

function max(a: bigint, b: bigint | undefined): bigint {
  return b !== undefined && b > a ? b : a;
}
