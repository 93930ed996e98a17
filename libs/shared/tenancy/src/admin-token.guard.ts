import { CanActivate, ExecutionContext, Inject, Injectable, UnauthorizedException } from '@nestjs/common';

import { APP_CONFIG, AppConfig } from '@wahooks/config';

import { digestsEqual, sha256Hex } from './secret-box';

/** Admin API: `Authorization: Bearer <ADMIN_API_TOKEN>`, compared in constant time. */
@Injectable()
export class AdminTokenGuard implements CanActivate {
  private readonly expected: string;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.expected = sha256Hex(config.secrets.adminApiToken);
  }

  canActivate(context: ExecutionContext): boolean {
    const header = context.switchToHttp().getRequest<{ headers: Record<string, string | undefined> }>().headers[
      'authorization'
    ];
    const token = header?.startsWith('Bearer ') ? header.slice(7) : undefined;
    if (!token || !digestsEqual(sha256Hex(token), this.expected)) {
      throw new UnauthorizedException({ code: 'ADMIN_TOKEN_INVALID', message: 'a valid admin bearer token is required' });
    }
    return true;
  }
}
