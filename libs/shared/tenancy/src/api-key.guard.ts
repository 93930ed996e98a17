import { CanActivate, createParamDecorator, ExecutionContext, Injectable, UnauthorizedException } from '@nestjs/common';

import { parseApiKey } from './api-key';
import { digestsEqual, sha256Hex } from './secret-box';
import { TenantRepository } from './tenant.repository';

interface AuthenticatedRequest {
  headers: Record<string, string | undefined>;
  tenantId?: string;
}

/**
 * Read APIs: `X-Api-Key: whk_…` (or `Authorization: Bearer whk_…`). The key
 * decides the tenant; routes never take the tenant from the URL alone, so
 * one tenant's key cannot read another tenant's data.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(private readonly repo: TenantRepository) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const auth = req.headers['authorization'];
    const raw = req.headers['x-api-key'] ?? (auth?.startsWith('Bearer ') ? auth.slice(7) : undefined);
    const parsed = raw ? parseApiKey(raw) : undefined;
    const row = parsed ? await this.repo.findActiveApiKey(parsed.prefix) : null;
    if (!parsed || !row || !digestsEqual(sha256Hex(parsed.secret), row.secretHash)) {
      throw new UnauthorizedException({ code: 'API_KEY_INVALID', message: 'a valid tenant API key is required' });
    }
    req.tenantId = row.tenantId;
    return true;
  }
}

/** The tenant id that ApiKeyGuard authenticated. */
export const AuthTenant = createParamDecorator((_: unknown, ctx: ExecutionContext): string => {
  const tenantId = ctx.switchToHttp().getRequest<AuthenticatedRequest>().tenantId;
  if (!tenantId) throw new UnauthorizedException({ code: 'API_KEY_INVALID', message: 'not authenticated' });
  return tenantId;
});
