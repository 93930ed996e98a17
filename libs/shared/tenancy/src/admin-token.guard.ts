import { CanActivate, ExecutionContext, Inject, Injectable, UnauthorizedException } from '@nestjs/common';

import { AdminApiConfig, adminApiSection } from '@wahooks/config';

import { ADMIN_PRINCIPAL, noteAdminCall } from './admin-audit';
import { digestsEqual, sha256Hex } from './secret-box';

/**
 * Admin API: `Authorization: Bearer <ADMIN_API_TOKEN>`, compared in constant
 * time. Every call it sees is noted for the audit log (admin-audit.ts), the
 * refused ones too.
 */
@Injectable()
export class AdminTokenGuard implements CanActivate {
  private readonly expected: string;

  constructor(@Inject(adminApiSection.token) adminApi: AdminApiConfig) {
    this.expected = sha256Hex(adminApi.token);
  }

  canActivate(context: ExecutionContext): boolean {
    const note = noteAdminCall(context);
    const header = context.switchToHttp().getRequest<{ headers: Record<string, string | undefined> }>().headers[
      'authorization'
    ];
    const token = header?.startsWith('Bearer ') ? header.slice(7) : undefined;
    if (!token || !digestsEqual(sha256Hex(token), this.expected)) {
      throw new UnauthorizedException({ code: 'ADMIN_TOKEN_INVALID', message: 'a valid admin bearer token is required' });
    }
    note.principal = ADMIN_PRINCIPAL;
    return true;
  }
}
