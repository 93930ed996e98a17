import { createHmac } from 'node:crypto';
import { createServer, IncomingMessage } from 'node:http';

import { HttpSmsProvider, signSmsRequest } from './sms-provider';
import type { SmsPayload } from './sms-request.repository';

const payload: SmsPayload = { idempotencyKey: 'sms_abc', tenantId: 't', wamid: 'w', internalMessageId: null, to: '15551234567', reason: 'undeliverable', template: null };

async function withServer(answer: (req: IncomingMessage, body: string) => [number, string] | 'hang', run: (url: string, seen: Array<{ headers: IncomingMessage['headers']; body: string }>) => Promise<void>) {
  const seen: Array<{ headers: IncomingMessage['headers']; body: string }> = [];
  const server = createServer(async (req, res) => {
    let body = '';
    for await (const c of req) body += String(c);
    seen.push({ headers: req.headers, body });
    const a = answer(req, body);
    if (a !== 'hang') res.writeHead(a[0]).end(a[1]);
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const address = server.address();
  try {
    await run(`http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`, seen);
  } finally {
    server.closeAllConnections();
    await new Promise((ok) => server.close(ok));
  }
}

describe('HttpSmsProvider', () => {
  it('sends the idempotency key and an HMAC over timestamp and body', async () => {
    await withServer(() => [200, '{"id":"p-1"}'], async (url, seen) => {
      const result = await new HttpSmsProvider({ url, secret: 'a-very-secret-key', timeoutMs: 1000 }, () => 1_700_000_000_000).send(payload);
      expect(result).toEqual({ ok: true, providerMessageId: 'p-1' });
      const [req] = seen;
      expect(req?.headers['idempotency-key']).toBe('sms_abc');
      expect(req?.headers['x-wahooks-timestamp']).toBe('1700000000');
      const mac = createHmac('sha256', 'a-very-secret-key').update(`1700000000.${req?.body}`).digest('hex');
      expect(req?.headers['x-wahooks-signature']).toBe(`v1=${mac}`);
      expect(signSmsRequest('a-very-secret-key', 1_700_000_000, req!.body)).toBe(`v1=${mac}`);
    });
  });

  it.each([
    [500, true],
    [429, true],
    [408, true],
    [400, false],
    [401, false],
  ])('given HTTP %i, then retryable is %s', async (status, retryable) => {
    await withServer(() => [status, 'nope'], async (url) => {
      expect(await new HttpSmsProvider({ url, secret: undefined, timeoutMs: 1000 }).send(payload)).toMatchObject({ ok: false, retryable });
    });
  });

  it('given no answer in time, then a retryable timeout', async () => {
    await withServer(() => 'hang', async (url) => {
      expect(await new HttpSmsProvider({ url, secret: undefined, timeoutMs: 100 }).send(payload)).toEqual({ ok: false, retryable: true, error: 'timeout after 100 ms' });
    });
  });

  it('given nobody listening, then a retryable network error', async () => {
    expect(await new HttpSmsProvider({ url: 'http://127.0.0.1:1/sms', secret: undefined, timeoutMs: 500 }).send(payload)).toMatchObject({ ok: false, retryable: true });
  });
});
