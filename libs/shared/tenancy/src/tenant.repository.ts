import { Injectable } from '@nestjs/common';

import { PrismaService } from '@wahooks/prisma';

import { TenancyError, TenantRow } from './tenant.types';

const withRelations = {
  wabas: { select: { wabaId: true } },
  phoneNumbers: { select: { phoneNumberId: true } },
  appSecrets: { orderBy: { createdAt: 'asc' as const } },
  apiKeys: {
    select: { id: true, name: true, prefix: true, createdAt: true, revokedAt: true },
    orderBy: { createdAt: 'asc' as const },
  },
};

/** The only code that touches the tenant tables. */
@Injectable()
export class TenantRepository {
  constructor(private readonly prisma: PrismaService) {}

  findAll(): Promise<TenantRow[]> {
    return this.prisma.tenant.findMany({ include: withRelations, orderBy: { id: 'asc' } });
  }

  /** Whether the tenant exists (services other than the intake: no secrets read). */
  async exists(id: string): Promise<boolean> {
    return (await this.prisma.tenant.findUnique({ where: { id }, select: { id: true } })) !== null;
  }

  findById(id: string): Promise<TenantRow | null> {
    return this.prisma.tenant.findUnique({ where: { id }, include: withRelations });
  }

  async create(input: {
    id: string;
    name: string;
    verifyTokenHash: string;
    secrets: Array<{ label: string; ciphertext: Uint8Array<ArrayBuffer> }>;
    wabaIds: string[];
    phoneNumberIds: string[];
  }): Promise<void> {
    try {
      await this.prisma.tenant.create({
        data: {
          id: input.id,
          name: input.name,
          verifyTokenHash: input.verifyTokenHash,
          appSecrets: { create: input.secrets },
          wabas: { create: input.wabaIds.map((wabaId) => ({ wabaId })) },
          phoneNumbers: { create: input.phoneNumberIds.map((phoneNumberId) => ({ phoneNumberId })) },
        },
      });
    } catch (error) {
      throw uniqueViolation(error, input.id);
    }
  }

  async update(id: string, data: { name?: string; disabled?: boolean; verifyTokenHash?: string }): Promise<void> {
    const { count } = await this.prisma.tenant.updateMany({ where: { id }, data });
    if (count === 0) throw new TenancyError('TENANT_NOT_FOUND', `tenant ${id} does not exist`);
  }

  async addSecret(tenantId: string, label: string, ciphertext: Uint8Array<ArrayBuffer>): Promise<string> {
    const row = await this.prisma.tenantAppSecret.create({ data: { tenantId, label, ciphertext } });
    return row.id;
  }

  async revokeSecret(tenantId: string, secretId: string): Promise<void> {
    const { count } = await this.prisma.tenantAppSecret.updateMany({
      where: { id: secretId, tenantId, revokedAt: null },
      data: { revokedAt: new Date() },
    });
    if (count === 0) throw new TenancyError('SECRET_NOT_FOUND', `no active secret ${secretId} for ${tenantId}`);
  }

  async addRoutes(tenantId: string, wabaIds: string[], phoneNumberIds: string[]): Promise<void> {
    try {
      await this.prisma.$transaction([
        this.prisma.tenantWaba.createMany({ data: wabaIds.map((wabaId) => ({ wabaId, tenantId })) }),
        this.prisma.tenantPhoneNumber.createMany({
          data: phoneNumberIds.map((phoneNumberId) => ({ phoneNumberId, tenantId })),
        }),
      ]);
    } catch (error) {
      throw uniqueViolation(error, tenantId);
    }
  }

  async createApiKey(tenantId: string, name: string, prefix: string, secretHash: string): Promise<string> {
    const row = await this.prisma.tenantApiKey.create({ data: { tenantId, name, prefix, secretHash } });
    return row.id;
  }

  async revokeApiKey(tenantId: string, keyId: string): Promise<void> {
    const { count } = await this.prisma.tenantApiKey.updateMany({
      where: { id: keyId, tenantId, revokedAt: null },
      data: { revokedAt: new Date() },
    });
    if (count === 0) throw new TenancyError('API_KEY_NOT_FOUND', `no active API key ${keyId} for ${tenantId}`);
  }

  findActiveApiKey(prefix: string): Promise<{ tenantId: string; secretHash: string } | null> {
    return this.prisma.tenantApiKey.findFirst({
      where: { prefix, revokedAt: null, tenant: { disabled: false } },
      select: { tenantId: true, secretHash: true },
    });
  }
}

function uniqueViolation(error: unknown, tenantId: string): Error {
  const code = (error as { code?: string }).code;
  const target = JSON.stringify((error as { meta?: unknown }).meta ?? '');
  if (code === 'P2002') {
    return /tenants_pkey|\bid\b/.test(target) && !/waba|phone/.test(target)
      ? new TenancyError('TENANT_EXISTS', `tenant ${tenantId} already exists`)
      : new TenancyError('ROUTE_TAKEN', 'a WABA id or phone number id is already owned by a tenant');
  }
  if (code === 'P2003') return new TenancyError('TENANT_NOT_FOUND', `tenant ${tenantId} does not exist`);
  return error instanceof Error ? error : new Error(String(error));
}
