import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';

import { EncryptionConfig, encryptionSection, TenantDirectoryConfig, tenantDirectorySection } from '@wahooks/config';

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

/** What readiness needs to know about the directory. */
export interface DirectoryHealth {
  /** A snapshot was loaded at least once: lookups can be answered while the database is away. */
  loaded: boolean;
  loadedAt: string | null;
  tenants: number;
  /** Tenants with at least one active secret this instance cannot decrypt. */
  unreadable: number;
  /** Tenants with every active secret readable. */
  readable: number;
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
  /** A write happened here: the next lookup reloads before answering. */
  private stale = false;
  /** The last failed reload: misses are throttled by it too. */
  private failedAt = 0;
  private readonly timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly repo: TenantRepository,
    @Inject(encryptionSection.token) encryption: EncryptionConfig,
    @Inject(tenantDirectorySection.token) config: TenantDirectoryConfig,
  ) {
    this.box = new SecretBox(encryption.key);
    if (config.cacheTtlMs > 0) {
      this.timer = setInterval(() => void this.reload().catch(() => undefined), config.cacheTtlMs);
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
    return this.stale ? undefined : this.snapshot?.byId.get(id);
  }

  async byWaba(wabaId: string): Promise<ResolvedTenant | undefined> {
    return this.lookup((s) => s.byWaba.get(wabaId));
  }

  async byPhoneNumber(phoneNumberId: string): Promise<ResolvedTenant | undefined> {
    return this.lookup((s) => s.byPhoneNumber.get(phoneNumberId));
  }

  /**
   * Called after a write in this process: the next lookup reloads. The old
   * snapshot keeps answering if that reload fails (the database is away).
   */
  invalidate(): void {
    this.stale = true;
  }

  health(): DirectoryHealth {
    const s = this.snapshot;
    if (!s) return { loaded: false, loadedAt: null, tenants: 0, unreadable: 0, readable: 0 };
    const all = [...s.byId.values()];
    const unreadable = all.filter((t) => t.unreadableSecrets > 0).length;
    return { loaded: true, loadedAt: s.loadedAt > 0 ? new Date(s.loadedAt).toISOString() : null, tenants: all.length, unreadable, readable: all.length - unreadable };
  }

  /** Loads now; the next lookups see the result. */
  async reload(): Promise<Snapshot> {
    this.loading ??= this.load().finally(() => (this.loading = undefined));
    return this.loading;
  }

  private async lookup(pick: (s: Snapshot) => ResolvedTenant | undefined): Promise<ResolvedTenant | undefined> {
    const snapshot = await this.current();
    const found = pick(snapshot);
    if (found) return found;
    // A miss reloads unless the snapshot is fresh: at most a few reloads a
    // second, however many unknown ids arrive. While the database is away
    // the snapshot keeps answering (a miss stays a miss).
    if (Date.now() - Math.max(snapshot.loadedAt, this.failedAt) < MIN_RELOAD_INTERVAL_MS) return undefined;
    try {
      return pick(await this.reload());
    } catch (error) {
      this.failedAt = Date.now();
      this.logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'tenant registry unreachable; answering from the last snapshot');
      return undefined;
    }
  }

  /** The snapshot to answer from: reloaded first after a local write, the last one if the database is away. */
  private async current(): Promise<Snapshot> {
    if (this.snapshot && !this.stale) return this.snapshot;
    try {
      return await this.reload();
    } catch (error) {
      if (!this.snapshot) throw error;
      this.logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'tenant registry unreachable; answering from the last snapshot');
      return this.snapshot;
    }
  }

  private async load(): Promise<Snapshot> {
    const rows = await this.repo.findAll();
    const next: Snapshot = { byId: new Map(), byWaba: new Map(), byPhoneNumber: new Map(), loadedAt: Date.now() };
    for (const row of rows) {
      const appSecrets: string[] = [];
      let unreadableSecrets = 0;
      for (const s of row.appSecrets) {
        if (s.revokedAt) continue;
        try {
          appSecrets.push(this.box.open(s.ciphertext, row.id));
        } catch {
          unreadableSecrets += 1;
          this.logger.error({ tenant: row.id, secretId: s.id }, 'app secret cannot be decrypted with the configured key (SECRETS_ENCRYPTION_KEY)');
        }
      }
      const tenant: ResolvedTenant = {
        id: row.id,
        disabled: row.disabled,
        appSecrets,
        unreadableSecrets,
        verifyTokenHash: row.verifyTokenHash,
        wabaIds: row.wabas.map((w) => w.wabaId),
        phoneNumberIds: row.phoneNumbers.map((p) => p.phoneNumberId),
      };
      next.byId.set(row.id, tenant);
      for (const w of tenant.wabaIds) next.byWaba.set(w, tenant);
      for (const p of tenant.phoneNumberIds) next.byPhoneNumber.set(p, tenant);
    }
    this.snapshot = next;
    this.stale = false;
    return next;
  }
}
