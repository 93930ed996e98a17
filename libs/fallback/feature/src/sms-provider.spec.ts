import { createHmac } from 'node:crypto';
import { createServer, IncomingMessage } from 'node:http';

import { createEgressAgent, EgressPolicy } from '@wahooks/egress';

import { HttpSmsProvider, signSmsRequest } from './sms-provider';
import type { SmsPayload } from './sms-request.repository';

/** The egress agent with EGRESS_ALLOW naming the local provider's address and port (what the tests' apps are started with). */
const allowing = (url: string) => createEgressAgent(EgressPolicy.parse(new URL(url).host));

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
      const result = await new HttpSmsProvider({ url, secret: 'a-very-secret-key', timeoutMs: 1000, dispatcher: allowing(url) }, () => 1_700_000_000_000).send(payload);
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
      expect(await new HttpSmsProvider({ url, secret: undefined, timeoutMs: 1000, dispatcher: allowing(url) }).send(payload)).toMatchObject({ ok: false, retryable });
    });
  });

  it('given no answer in time, then a retryable timeout', async () => {
    await withServer(() => 'hang', async (url) => {
      expect(await new HttpSmsProvider({ url, secret: undefined, timeoutMs: 100, dispatcher: allowing(url) }).send(payload)).toEqual({ ok: false, retryable: true, error: 'timeout after 100 ms' });
    });
  });

  it('given nobody listening, then a retryable network error', async () => {
    const url = 'http://127.0.0.1:9/sms';
    expect(await new HttpSmsProvider({ url, secret: undefined, timeoutMs: 500, dispatcher: allowing(url) }).send(payload)).toMatchObject({ ok: false, retryable: true });
  });

  it('given a redirect, then not followed and not retried', async () => {
    await withServer(() => [302, ''], async (url, seen) => {
      expect(await new HttpSmsProvider({ url, secret: undefined, timeoutMs: 1000, dispatcher: allowing(url) }).send(payload)).toMatchObject({ ok: false, retryable: false, error: 'HTTP 302' });
      expect(seen).toHaveLength(1);
    });
  });

  it('given an internal address EGRESS_ALLOW does not name, then refused before connecting', async () => {
    await withServer(() => [200, '{"id":"p-1"}'], async (url, seen) => {
      const port = Number(new URL(url).port);
      for (const [target, allow] of [
        [url, ''], // nothing allowed
        [url, `127.0.0.1:${port + 1}`], // another port
        [url.replace('127.0.0.1', '[::ffff:127.0.0.1]'), ''],
        [url.replace('127.0.0.1', '2130706433'), ''],
      ] as const) {
        const provider = new HttpSmsProvider({ url: target, secret: undefined, timeoutMs: 1000, dispatcher: createEgressAgent(EgressPolicy.parse(allow)) });
        expect(await provider.send(payload)).toEqual({ ok: false, retryable: true, error: 'refused-by-egress-policy' });
      }
      // A host name is checked on what it resolves to.
      const byName = new HttpSmsProvider({ url: url.replace('127.0.0.1', 'sms.internal.test'), secret: undefined, timeoutMs: 1000, dispatcher: createEgressAgent(EgressPolicy.parse(''), { resolve: async () => ['127.0.0.1'] }) });
      expect(await byName.send(payload)).toMatchObject({ error: 'refused-by-egress-policy' });
      expect(seen).toHaveLength(0);
      // Allowed: sent.
      expect(await new HttpSmsProvider({ url, secret: undefined, timeoutMs: 1000, dispatcher: allowing(url) }).send(payload)).toEqual({ ok: true, providerMessageId: 'p-1' });
      expect(seen).toHaveLength(1);
    });
  });
});
