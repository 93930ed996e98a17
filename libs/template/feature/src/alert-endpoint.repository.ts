import { randomBytes } from 'node:crypto';

import { Inject, Injectable } from '@nestjs/common';

import { EncryptionConfig, encryptionSection } from '@wahooks/config';
import { PrismaService } from '@wahooks/prisma';
import { SecretBox } from '@wahooks/tenancy';

export interface AlertEndpointView {
  tenantId: string;
  url: string;
  createdAt: string;
  updatedAt: string;
}

/**
 * Where each tenant wants its alerts, with the secret that signs them,
 * sealed at rest with the platform key (bound to the tenant id).
 */
@Injectable()
export class AlertEndpointRepository {
  private readonly box: SecretBox;

  constructor(
    private readonly prisma: PrismaService,
    @Inject(encryptionSection.token) encryption: EncryptionConfig,
  ) {
    this.box = new SecretBox(encryption.key);
  }

  /** Sets the URL; keeps the current secret unless one is given, generates one for a new endpoint. Returns a generated secret once. */
  async put(tenantId: string, url: string, secret: string | undefined): Promise<AlertEndpointView & { signingSecret?: string }> {
    const existing = await this.prisma.$queryRawUnsafe<Array<{ tenant_id: string }>>(`SELECT tenant_id FROM alert_endpoints WHERE tenant_id = $1`, tenantId);
    const generated = secret === undefined && existing.length === 0 ? `whsec_${randomBytes(24).toString('base64url')}` : undefined;
    const chosen = secret ?? generated;
    // base64 in and out of SQL: raw bytea parameters do not round-trip through Prisma's raw queries.
    const sealed = chosen !== undefined ? Buffer.from(this.box.seal(chosen, tenantId)).toString('base64') : null;
    await this.prisma.$executeRawUnsafe(
      `INSERT INTO alert_endpoints (tenant_id, url, signing_secret) VALUES ($1, $2, decode($3, 'base64'))
       ON CONFLICT (tenant_id) DO UPDATE SET url = EXCLUDED.url,
         signing_secret = COALESCE(decode($4::text, 'base64'), alert_endpoints.signing_secret), updated_at = now()`,
      tenantId,
      url,
      sealed ?? '',
      sealed,
    );
    const view = (await this.view(tenantId)) as AlertEndpointView;
    return generated !== undefined ? { ...view, signingSecret: generated } : view;
  }

  async view(tenantId: string): Promise<AlertEndpointView | undefined> {
    const [row] = await this.prisma.$queryRawUnsafe<Array<{ url: string; created_at: Date; updated_at: Date }>>(
      `SELECT url, created_at, updated_at FROM alert_endpoints WHERE tenant_id = $1`,
      tenantId,
    );
    return row ? { tenantId, url: row.url, createdAt: row.created_at.toISOString(), updatedAt: row.updated_at.toISOString() } : undefined;
  }

  open(tenantId: string, sealed: Uint8Array): string {
    return this.box.open(sealed, tenantId);
  }
}
