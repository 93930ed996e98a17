import { request as httpRequest, Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { InflightBudget } from './inflight-budget';
import type { IntakeOutcome, IntakeRequest } from './intake.types';
import { WebhookFastPath } from './webhook-fast-path';
import type { WebhookIntakeService } from './webhook-intake.service';

/**
 * Which requests the node:http fast path takes and which it leaves to
 * Fastify. Fastify is stood in for by a handler answering 299, so each case
 * shows who answered; the real Fastify routes and the real service are
 * exercised end to end in apps/intake/test, the budget and the tenant
 * lookup before the body in webhook-admission.spec.ts.
 */
describe('WebhookFastPath', () => {
  const calls: Array<{ tenant: string | undefined; req: IntakeRequest }> = [];
  let outcome: () => Promise<IntakeOutcome> = async () => ({ kind: 'accepted', tenants: ['t'], deliveryId: 'd' });
  const service = {
    platformEnabled: true,
    tenantFor: (id: string) => ({ id, disabled: false }),
    refuseUnread: (_tenant: string, _route: string, refused: IntakeOutcome) => refused,
    ingestForTenant: (tenant: string, req: IntakeRequest) => {
      calls.push({ tenant, req });
      return outcome();
    },
    ingestForPlatform: (req: IntakeRequest) => {
      calls.push({ tenant: undefined, req });
      return outcome();
    },
  } as unknown as WebhookIntakeService;

  const fastPath = new WebhookFastPath({ bodyLimit: 1000, keepAliveTimeoutMs: 1000 });
  let server: Server;
  let port: number;

  beforeAll(async () => {
    server = fastPath.serverFactory((_req, res) => {
      res.writeHead(299).end('fastify');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });
  beforeEach(() => {
    calls.length = 0;
    outcome = async () => ({ kind: 'accepted', tenants: ['t'], deliveryId: 'd' });
  });

  const post = (path: string, body: string | undefined, headers: Record<string, string> = {}, method = 'POST') =>
    new Promise<{ status: number; body: string; headers: Record<string, unknown> }>((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port, path, method, headers: { 'content-type': 'application/json', ...headers } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString(), headers: res.headers }));
      });
      req.on('error', reject);
      if (body !== undefined) req.end(body);
      else req.end();
    });

  it('leaves everything to Fastify until the intake service is attached', async () => {
    expect((await post('/webhooks/whatsapp/acme', '{}')).status).toBe(299);
    fastPath.attach(service, new InflightBudget(1_000_000));
    expect(calls).toHaveLength(0);
  });

  it('takes plain webhook POSTs: tenant URL (decoded id), platform URL, raw bytes and headers passed on', async () => {
    const body = '{"entry":[],"x":"\\u00e4"}';
    const res = await post('/webhooks/whatsapp/acme%2Dshop?ignored=1', body, { 'x-hub-signature-256': 'sha256=ab', traceparent: 'tp' });
    expect(res).toMatchObject({ status: 200, body: '{"status":"accepted","deliveryId":"d"}' });
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(calls[0]?.tenant).toBe('acme-shop');
    expect(calls[0]?.req.rawBody.toString()).toBe(body);
    expect(calls[0]?.req).toMatchObject({ signatureHeader: 'sha256=ab', traceparent: 'tp' });
    expect((await post('/webhooks/whatsapp', '{}', { 'content-type': 'application/json; charset=utf-8' })).status).toBe(200);
    expect(calls[1]?.tenant).toBeUndefined();
  });

  it.each([
    ['GET', '/webhooks/whatsapp/acme', undefined, {}],
    ['a trailing slash', '/webhooks/whatsapp/', '{}', {}],
    ['a deeper path', '/webhooks/whatsapp/acme/extra', '{}', {}],
    ['another path', '/webhooks/whatsappx', '{}', {}],
    ['a tenant id over 100 characters', `/webhooks/whatsapp/${'a'.repeat(101)}`, '{}', {}],
    ['a badly encoded tenant id', '/webhooks/whatsapp/%E0%A4%A', '{}', {}],
    ['a non-JSON content type', '/webhooks/whatsapp/acme', '{}', { 'content-type': 'text/plain' }],
    ['a chunked body (no Content-Length)', '/webhooks/whatsapp/acme', undefined, { 'transfer-encoding': 'chunked' }],
    ['a body over the limit', '/webhooks/whatsapp/acme', 'x'.repeat(1001), {}],
  ] as Array<[string, string, string | undefined, Record<string, string>]>)('hands %s to Fastify', async (what, path, body, headers) => {
    const res = await post(path, body, headers, what === 'GET' ? 'GET' : 'POST');
    expect(res).toMatchObject({ status: 299, body: 'fastify' });
    expect(calls).toHaveLength(0);
  });

  it('maps outcomes like the Fastify routes, and answers 503 (not a crash) when the service throws', async () => {
    outcome = async () => ({ kind: 'unavailable', reason: 'timeout', message: 'slow' });
    const slow = await post('/webhooks/whatsapp/acme', '{}');
    expect(slow.status).toBe(503);
    expect(slow.headers['retry-after']).toBe('5');
    expect(JSON.parse(slow.body)).toMatchObject({ code: 'BROKER_UNAVAILABLE', reason: 'timeout' });
    outcome = async () => ({ kind: 'bad-signature' });
    expect((await post('/webhooks/whatsapp/acme', '{}')).status).toBe(401);
    outcome = () => Promise.reject(new Error('boom'));
    expect((await post('/webhooks/whatsapp/acme', '{}')).status).toBe(503);
  });

  it('hands requests to Fastify once closing has begun (it answers 503 and closes the connection)', async () => {
    fastPath.startClosing();
    expect((await post('/webhooks/whatsapp/acme', '{}')).status).toBe(299);
    expect(calls).toHaveLength(0);
  });
});
