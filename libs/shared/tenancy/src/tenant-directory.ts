import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';

import { APP_CONFIG, AppConfig } from '@wahooks/config';

import { SecretBox } from './secret-box';
import { TenantRepository } from './tenant.repository';
import { ResolvedTenant } from './tenant.types';

const MIN_RELOAD_INTERVAL_MS = 250;

interface Snapshot {
  byId: Map<string, ResolvedTenant>;
  byWaba: Map<string, ResolvedTenant>;
  byPhoneNumber: Map<string, ResolvedTenant>;
  loadedAt: number;
}

/**
 * In-memory directory of tenants for the hot path (every webhook looks its
 * tenant up). The whole registry is small, so it is loaded as one snapshot
 * and swapped atomically. Changes made through the admin API or CLI become
 * visible without a restart: the snapshot is reloaded every TTL, and a
 * lookup that misses triggers an early reload (throttled), so a tenant
 * created a moment ago is found on its first webhook. Revoked secrets stop
 * verifying within one TTL on every replica.
 */
@Injectable()
export class TenantDirectory implements OnModuleDestroy {
  private readonly logger = new Logger(TenantDirectory.name);
  private readonly box: SecretBox;
  private snapshot: Snapshot | undefined;
  private loading: Promise<Snapshot> | undefined;
  private readonly timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly repo: TenantRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.box = new SecretBox(config.secrets.encryptionKey);
    if (config.tenantCacheTtlMs > 0) {
      this.timer = setInterval(() => void this.reload().catch(() => undefined), config.tenantCacheTtlMs);
      this.timer.unref();
    }
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
  }

  async byId(id: string): Promise<ResolvedTenant | undefined> {
    return this.lookup((s) => s.byId.get(id));
  }

  /**
   * The tenant if the current snapshot has it, synchronously: the hot path
   * tries this first and falls back to `byId` (which loads, and reloads on
   * a miss) only when it returns undefined.
   */
  cachedById(id: string): ResolvedTenant | undefined {
    return this.snapshot?.byId.get(id);
  }

  async byWaba(wabaId: string): Promise<ResolvedTenant | undefined> {
    return this.lookup((s) => s.byWaba.get(wabaId));
  }

  async byPhoneNumber(phoneNumberId: string): Promise<ResolvedTenant | undefined> {
    return this.lookup((s) => s.byPhoneNumber.get(phoneNumberId));
  }

  /** Called after a write in this process: the next lookup reloads. */
  invalidate(): void {
    this.snapshot = undefined;
  }

  /** Loads now; the next lookups see the result. */
  async reload(): Promise<Snapshot> {
    this.loading ??= this.load().finally(() => (this.loading = undefined));
    return this.loading;
  }

  private async lookup(pick: (s: Snapshot) => ResolvedTenant | undefined): Promise<ResolvedTenant | undefined> {
    const snapshot = this.snapshot ?? (await this.reload());
    const found = pick(snapshot);
    if (found) return found;
    // A miss reloads unless the snapshot is fresh: at most a few reloads a
    // second, however many unknown ids arrive.
    if (Date.now() - snapshot.loadedAt < MIN_RELOAD_INTERVAL_MS) return undefined;
    return pick(await this.reload());
  }

  private async load(): Promise<Snapshot> {
    const rows = await this.repo.findAll();
    const next: Snapshot = { byId: new Map(), byWaba: new Map(), byPhoneNumber: new Map(), loadedAt: Date.now() };
    for (const row of rows) {
      const appSecrets: string[] = [];
      for (const s of row.appSecrets) {
        if (s.revokedAt) continue;
        try {
          appSecrets.push(this.box.open(s.ciphertext, row.id));
        } catch {
          this.logger.error({ tenant: row.id, secretId: s.id }, 'app secret cannot be decrypted with the configured key');
        }
      }
      const tenant: ResolvedTenant = {
        id: row.id,
        disabled: row.disabled,
        appSecrets,
        verifyTokenHash: row.verifyTokenHash,
        wabaIds: row.wabas.map((w) => w.wabaId),
        phoneNumberIds: row.phoneNumbers.map((p) => p.phoneNumberId),
      };
      next.byId.set(row.id, tenant);
      for (const w of tenant.wabaIds) next.byWaba.set(w, tenant);
      for (const p of tenant.phoneNumberIds) next.byPhoneNumber.set(p, tenant);
    }
    this.snapshot = next;
    return next;
  }
}
