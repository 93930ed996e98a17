import { ArgumentsHost, Catch, HttpException, Logger } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';

import { classifyFailure } from '@wahooks/consumer-runtime';

export const RETRY_AFTER_SECONDS = 2;

/**
 * The read and write APIs of the consumer services answer 503 with
 * Retry-After, not 500, when the failure is the database's or the broker's
 * (down, read-only during a failover, restarting, out of connections, a
 * statement timeout): the same classification the consumer runtime retries
 * on (docs/consumers.md, "Failures"). The caller may retry; nothing of the
 * request was kept. Everything else, HttpExceptions and bugs, goes to Nest's
 * own handling.
 */
@Catch()
export class UnavailableFilter extends BaseExceptionFilter {
  private readonly logger = new Logger('Http');

  override catch(exception: unknown, host: ArgumentsHost): void {
    if (!(exception instanceof HttpException) && host.getType() === 'http') {
      const failure = classifyFailure(exception);
      if (failure.class === 'infrastructure' || failure.class === 'timeout') {
        const reply = host.switchToHttp().getResponse<{ status(code: number): { header(name: string, value: string): { send(body: unknown): void } } }>();
        this.logger.warn({ err: exception instanceof Error ? exception.message : String(exception), code: failure.code, class: failure.class }, 'request failed on the database or broker; answering 503');
        reply
          .status(503)
          .header('retry-after', String(RETRY_AFTER_SECONDS))
          .send({ statusCode: 503, code: 'UNAVAILABLE', message: 'the database or broker is unavailable for the moment; retry later' });
        return;
      }
    }
    super.catch(exception, host);
  }
}
