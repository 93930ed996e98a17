import { ArgumentsHost, Catch, ExceptionFilter, HttpStatus } from '@nestjs/common';

import { TenancyError, TenancyErrorCode } from './tenant.types';

const STATUS: Record<TenancyErrorCode, number> = {
  TENANT_NOT_FOUND: HttpStatus.NOT_FOUND,
  TENANT_EXISTS: HttpStatus.CONFLICT,
  ROUTE_TAKEN: HttpStatus.CONFLICT,
  TOO_MANY_ACTIVE_SECRETS: HttpStatus.CONFLICT,
  LAST_ACTIVE_SECRET: HttpStatus.CONFLICT,
  SECRET_NOT_FOUND: HttpStatus.NOT_FOUND,
  API_KEY_NOT_FOUND: HttpStatus.NOT_FOUND,
};

/** Maps coded tenancy errors to HTTP at the edge. */
@Catch(TenancyError)
export class TenancyErrorFilter implements ExceptionFilter {
  catch(error: TenancyError, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<{ status(code: number): { send(body: unknown): void } }>();
    reply.status(STATUS[error.code]).send({ code: error.code, message: error.message });
  }
}
