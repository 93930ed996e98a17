import { Inject, Injectable } from '@nestjs/common';

import { EncryptionConfig, encryptionSection } from '@wahooks/config';

import { issueApiKey } from './api-key';
import { SecretBox, sha256Hex } from './secret-box';
import { TenantDirectory } from './tenant-directory';
import { TenantRepository } from './tenant.repository';
import { TenancyError, TenantRow, TenantSummary } from './tenant.types';

export const MAX_ACTIVE_SECRETS = 2;

export interface CreateTenantInput {
  id: string;
  name?: string;
  verifyToken: string;
  appSecrets: string[];
  wabaIds?: string[];
  phoneNumberIds?: string[];
}

/** Tenant lifecycle, shared by the admin HTTP API and the CLI. */
@Injectable()
export class TenantAdminService {
  private readonly box: SecretBox;

  constructor(
    private readonly repo: TenantRepository,
    private readonly directory: TenantDirectory,
    @Inject(encryptionSection.token) encryption: EncryptionConfig,
  ) {
    this.box = new SecretBox(encryption.key);
  }

  async create(input: CreateTenantInput): Promise<TenantSummary> {
    if (input.appSecrets.length < 1 || input.appSecrets.length > MAX_ACTIVE_SECRETS) {
      throw new TenancyError('TOO_MANY_ACTIVE_SECRETS', `a tenant has 1 to ${MAX_ACTIVE_SECRETS} active app secrets`);
    }
    await this.repo.create({
      id: input.id,
      name: input.name ?? input.id,
      verifyTokenHash: sha256Hex(input.verifyToken),
      secrets: input.appSecrets.map((s, i) => ({ label: `initial-${i + 1}`, ciphertext: this.box.seal(s, input.id) })),
      wabaIds: input.wabaIds ?? [],
      phoneNumberIds: input.phoneNumberIds ?? [],
    });
    this.directory.invalidate();
    return this.get(input.id);
  }

  async list(): Promise<TenantSummary[]> {
    return (await this.repo.findAll()).map(summarize);
  }

  async get(id: string): Promise<TenantSummary> {
    const row = await this.repo.findById(id);
    if (!row) throw new TenancyError('TENANT_NOT_FOUND', `tenant ${id} does not exist`);
    return summarize(row);
  }

  async update(id: string, patch: { name?: string; disabled?: boolean; verifyToken?: string }): Promise<TenantSummary> {
    await this.repo.update(id, {
      ...(patch.name !== undefined ? { name: patch.name } : {}),
      ...(patch.disabled !== undefined ? { disabled: patch.disabled } : {}),
      ...(patch.verifyToken !== undefined ? { verifyTokenHash: sha256Hex(patch.verifyToken) } : {}),
    });
    this.directory.invalidate();
    return this.get(id);
  }

  /** Rotation step 1: add the new secret while the old one still verifies. */
  async addAppSecret(id: string, secret: string, label: string): Promise<{ id: string }> {
    const tenant = await this.get(id);
    if (tenant.appSecrets.filter((s) => !s.revokedAt).length >= MAX_ACTIVE_SECRETS) {
      throw new TenancyError(
        'TOO_MANY_ACTIVE_SECRETS',
        `${id} already has ${MAX_ACTIVE_SECRETS} active app secrets; revoke one first`,
      );
    }
    const secretId = await this.repo.addSecret(id, label, this.box.seal(secret, id));
    this.directory.invalidate();
    return { id: secretId };
  }

  /** Rotation step 2: revoke the old secret once Meta signs with the new one. */
  async revokeAppSecret(id: string, secretId: string): Promise<void> {
    const tenant = await this.get(id);
    const active = tenant.appSecrets.filter((s) => !s.revokedAt);
    if (active.length === 1 && active[0]?.id === secretId) {
      throw new TenancyError('LAST_ACTIVE_SECRET', 'cannot revoke the only active app secret');
    }
    await this.repo.revokeSecret(id, secretId);
    this.directory.invalidate();
  }

  async addRoutes(id: string, wabaIds: string[], phoneNumberIds: string[]): Promise<TenantSummary> {
    await this.get(id);
    await this.repo.addRoutes(id, wabaIds, phoneNumberIds);
    this.directory.invalidate();
    return this.get(id);
  }

  /** Returns the plaintext key: shown once, only its hash is stored. */
  async createApiKey(id: string, name: string): Promise<{ id: string; apiKey: string }> {
    await this.get(id);
    const key = issueApiKey();
    return { id: await this.repo.createApiKey(id, name, key.prefix, key.secretHash), apiKey: key.plaintext };
  }

  revokeApiKey(id: string, keyId: string): Promise<void> {
    return this.repo.revokeApiKey(id, keyId);
  }
}

function summarize(row: TenantRow): TenantSummary {
  return {
    id: row.id,
    name: row.name,
    disabled: row.disabled,
    wabaIds: row.wabas.map((w) => w.wabaId),
    phoneNumberIds: row.phoneNumbers.map((p) => p.phoneNumberId),
    appSecrets: row.appSecrets.map(({ id, label, createdAt, revokedAt }) => ({ id, label, createdAt, revokedAt })),
    apiKeys: row.apiKeys,
    createdAt: row.createdAt,
  };
}
