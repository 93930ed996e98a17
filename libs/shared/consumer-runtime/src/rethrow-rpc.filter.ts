import { ArgumentsHost, Catch, RpcExceptionFilter } from '@nestjs/common';
import { Observable, throwError } from 'rxjs';

/**
 * Nest's default RPC exception filter replaces unknown errors with
 * "Internal server error", which would hide from the runtime whether a
 * failure is transient (retry) or poison (dead-letter), and would put no
 * useful error on the dead letter. Consumer controllers use this filter
 * (`@UseFilters(RethrowRpcErrors)`) to hand the original error back.
 */
@Catch()
export class RethrowRpcErrors implements RpcExceptionFilter<unknown> {
  catch(exception: unknown, _host: ArgumentsHost): Observable<never> {
    return throwError(() => exception);
  }
}
