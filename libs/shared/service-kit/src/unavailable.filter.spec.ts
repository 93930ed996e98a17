import { ArgumentsHost, BadRequestException } from '@nestjs/common';
import type { HttpServer } from '@nestjs/common';

import { UnavailableFilter } from './unavailable.filter';

/** A Fastify-like reply that records what the filter answered, and an adapter for Nest's own path. */
function harness() {
  const sent: { status?: number; headers: Record<string, string>; body?: unknown } = { headers: {} };
  const reply = {
    status(code: number) {
      sent.status = code;
      return reply;
    },
    header(name: string, value: string) {
      sent.headers[name] = value;
      return reply;
    },
    send(body: unknown) {
      sent.body = body;
    },
  };
  const adapter = {
    reply: (_r: unknown, body: unknown, status: number) => Object.assign(sent, { status, body }),
    isHeadersSent: () => false,
    end: () => undefined,
  } as unknown as HttpServer;
  const host = { getType: () => 'http', switchToHttp: () => ({ getResponse: () => reply, getRequest: () => ({}) }), getArgByIndex: () => reply } as unknown as ArgumentsHost;
  return { filter: new UnavailableFilter(adapter), host, sent };
}

const pgError = (code: string, message: string) => Object.assign(new Error(message), { code });

describe('UnavailableFilter', () => {
  it.each([
    ['read-only during a failover', pgError('25006', 'cannot execute INSERT in a read-only transaction')],
    ['connection cut', pgError('57P01', 'terminating connection due to administrator command')],
    ['too many connections', pgError('53300', 'sorry, too many clients already')],
    ['statement timeout', pgError('57014', 'canceling statement due to statement timeout')],
    ['no connection from the pool in time', new Error('timeout exceeded when trying to connect')],
    ['server gone', pgError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432')],
  ])('answers 503 with Retry-After to %s', (_name, error) => {
    const { filter, host, sent } = harness();
    filter.catch(error, host);
    expect(sent).toMatchObject({ status: 503, headers: { 'retry-after': '2' }, body: { code: 'UNAVAILABLE' } });
  });

  it("leaves HttpExceptions and bugs to Nest's own handling", () => {
    const bad = harness();
    bad.filter.catch(new BadRequestException({ code: 'BATCH_SIZE' }), bad.host);
    expect(bad.sent).toMatchObject({ status: 400, body: { code: 'BATCH_SIZE' } });
    const bug = harness();
    bug.filter.catch(new TypeError("Cannot read properties of undefined (reading 'x')"), bug.host);
    expect(bug.sent).toMatchObject({ status: 500 });
  });
});
