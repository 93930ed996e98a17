/** What the rest of the suite knows about a tenant (never Prisma types). */
export interface TenantSummary {
  id: string;
  name: string;
  disabled: boolean;
  wabaIds: string[];
  phoneNumberIds: string[];
  appSecrets: Array<{ id: string; label: string; createdAt: Date; revokedAt: Date | null }>;
  apiKeys: Array<{ id: string; name: string; prefix: string; createdAt: Date; revokedAt: Date | null }>;
  createdAt: Date;
}

/** The intake's view of a tenant: decrypted active secrets, ready to verify. */
export interface ResolvedTenant {
  id: string;
  disabled: boolean;
  appSecrets: string[];
  /** Active secrets this instance cannot decrypt (a wrong SECRETS_ENCRYPTION_KEY): its webhooks get 503, not 401. */
  unreadableSecrets: number;
  verifyTokenHash: string;
  wabaIds: string[];
  phoneNumberIds: string[];
}

export interface TenantRow {
  id: string;
  name: string;
  verifyTokenHash: string;
  disabled: boolean;
  createdAt: Date;
  wabas: Array<{ wabaId: string }>;
  phoneNumbers: Array<{ phoneNumberId: string }>;
  appSecrets: Array<{ id: string; label: string; ciphertext: Uint8Array; createdAt: Date; revokedAt: Date | null }>;
  apiKeys: Array<{ id: string; name: string; prefix: string; createdAt: Date; revokedAt: Date | null }>;
}

export type TenancyErrorCode =
  | 'TENANT_NOT_FOUND'
  | 'TENANT_EXISTS'
  | 'ROUTE_TAKEN'
  | 'TOO_MANY_ACTIVE_SECRETS'
  | 'LAST_ACTIVE_SECRET'
  | 'SECRET_NOT_FOUND'
  | 'API_KEY_NOT_FOUND';

/** A coded domain error; the HTTP edge maps codes to statuses. */
export class TenancyError extends Error {
  override readonly name = 'TenancyError';
  constructor(
    readonly code: TenancyErrorCode,
    message: string,
  ) {
    super(message);
  }
}
