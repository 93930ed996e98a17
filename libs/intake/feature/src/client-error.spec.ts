import type { Socket } from 'node:net';

import { intakeClientErrorHandler } from './client-error';

function socket(): { socket: Socket; written: string[]; destroyed: unknown[] } {
  const written: string[] = [];
  const destroyed: unknown[] = [];
  const s = { destroyed: false, writable: true, write: (chunk: string) => written.push(chunk), destroy: (e: unknown) => destroyed.push(e) };
  return { socket: s as unknown as Socket, written, destroyed };
}
const err = (code: string) => Object.assign(new Error(code), { code });

describe('the intake answers requests that never completed', () => {
  it('with 503 and Retry-After when the request was not received in time (Fastify says 408, which Meta drops for good)', () => {
    const s = socket();
    intakeClientErrorHandler(err('ERR_HTTP_REQUEST_TIMEOUT'), s.socket);
    expect(s.written[0]).toMatch(/^HTTP\/1\.1 503 Service Unavailable\r\n/);
    expect(s.written[0]).toMatch(/\r\nRetry-After: 1\r\n/);
    expect(s.written[0]).toMatch(/"code":"REQUEST_TIMEOUT"/);
    const [head, body] = s.written[0]!.split('\r\n\r\n');
    expect(head).toContain(`Content-Length: ${Buffer.byteLength(body!)}`);
    expect(s.destroyed).toHaveLength(1);
  });

  it('with 400 to malformed HTTP and 431 to oversized headers, as Fastify does', () => {
    const bad = socket();
    intakeClientErrorHandler(err('HPE_INVALID_METHOD'), bad.socket);
    expect(bad.written[0]).toMatch(/^HTTP\/1\.1 400 /);
    const big = socket();
    intakeClientErrorHandler(err('HPE_HEADER_OVERFLOW'), big.socket);
    expect(big.written[0]).toMatch(/^HTTP\/1\.1 431 /);
  });

  it('writes nothing to a connection that is already gone', () => {
    const reset = socket();
    intakeClientErrorHandler(err('ECONNRESET'), reset.socket);
    expect([reset.written, reset.destroyed]).toEqual([[], []]);
  });
});
