import type { AddressInfo } from 'node:net';

import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { FastifyInstance } from 'fastify';

import { RawHttpRequest } from '@wahooks/testing';

import { configureBodyParsing } from './body-parsing';
import { InflightBudget } from './inflight-budget';
import type { IntakeOutcome } from './intake.types';
import { WebhookFastPath } from './webhook-fast-path';
import type { WebhookIntakeService } from './webhook-intake.service';
import { registerWebhookRoutes } from './webhook-routes';

const LIMIT = 10_000;
const CAPACITY = 30_000;

/** Counts every byte taken and given back: a release missed or repeated shows as a difference. */
class CountingBudget extends InflightBudget {
  acquired = 0;
  released = 0;
  override tryAcquire(bytes: number): boolean {
    const ok = super.tryAcquire(bytes);
    if (ok) this.acquired += bytes;
    return ok;
  }
  override release(bytes: number): void {
    this.released += bytes;
    super.release(bytes);
  }
}

class StubIntake {
  platformEnabled = true;
  asyncLookup = false;
  readonly tenants = new Map([
    ['acme', { id: 'acme', disabled: false }],
    ['gone', { id: 'gone', disabled: true }],
  ]);
  readonly calls: Array<{ tenant: string | undefined; body: string }> = [];
  readonly refused: IntakeOutcome[] = [];
  next: () => Promise<IntakeOutcome> = async () => ({ kind: 'accepted', tenants: ['acme'], deliveryId: 'd' });

  tenantFor(id: string) {
    const t = this.tenants.get(id);
    const found = t && !t.disabled ? t : undefined;
    return this.asyncLookup ? new Promise((r) => setTimeout(() => r(found), 5)) : found;
  }
  refuseUnread(_tenant: string, _route: string, outcome: IntakeOutcome): IntakeOutcome {
    this.refused.push(outcome);
    return outcome;
  }
  ingestForTenant(tenant: string, req: { rawBody: Buffer }): Promise<IntakeOutcome> {
    this.calls.push({ tenant, body: req.rawBody.toString() });
    return this.next();
  }
  ingestForPlatform(req: { rawBody: Buffer }): Promise<IntakeOutcome> {
    this.calls.push({ tenant: undefined, body: req.rawBody.toString() });
    return this.next();
  }
}

async function until(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

const json = { 'content-type': 'application/json' };
const chunk = (data: string): string => `${Buffer.byteLength(data).toString(16)}\r\n${data}\r\n`;

/**
 * The tenant looked up and the bytes admitted before a body is read, the
 * same on both ways in: the node:http fast path (Content-Length bodies) and
 * the Fastify routes (everything else, here also Content-Length bodies when
 * no fast path is installed). Real sockets, a stub service, a budget that
 * counts every byte taken and given back.
 */
describe.each([
  ['the fast path', true],
  ['the Fastify routes', false],
])('admission on %s', (_way, withFastPath) => {
  let app: FastifyInstance;
  let port: number;
  let intake: StubIntake;
  let budget: CountingBudget;

  beforeEach(async () => {
    intake = new StubIntake();
    budget = new CountingBudget(CAPACITY);
    const service = intake as unknown as WebhookIntakeService;
    const fastPath = new WebhookFastPath({ bodyLimit: LIMIT, keepAliveTimeoutMs: 1000 });
    const adapter = new FastifyAdapter({ bodyLimit: LIMIT, ...(withFastPath ? { serverFactory: fastPath.serverFactory } : {}) });
    app = adapter.getInstance() as unknown as FastifyInstance;
    configureBodyParsing(app, LIMIT);
    registerWebhookRoutes(app, service, budget, LIMIT);
    await app.listen({ port: 0, host: '127.0.0.1' });
    if (withFastPath) fastPath.attach(service, budget);
    port = (app.server.address() as AddressInfo).port;
  });

  afterEach(async () => {
    // Every request's bytes come back, exactly once.
    await until(() => budget.inFlight === 0, 'the budget to drain');
    expect(budget.released).toBe(budget.acquired);
    await app.close();
  });

  const post = (path: string, headers: Record<string, string | number>, body?: string) => RawHttpRequest.open(port, 'POST', path, headers, body);

  it('reads, hands over and answers a webhook, then gives its bytes back', async () => {
    const body = '{"entry":[]}';
    const res = await (await post('/webhooks/whatsapp/acme', { ...json, 'content-length': body.length }, body)).response;
    expect(res.status).toBe(200);
    expect(intake.calls).toEqual([{ tenant: 'acme', body }]);
    expect(budget.acquired).toBe(body.length);
  });

  it.each([
    ['an unknown tenant', 'nobody', false],
    ['a disabled tenant', 'gone', false],
    ['a tenant not in the snapshot (looked up asynchronously)', 'nobody', true],
  ])('answers %s 404 before reading the body, and closes the connection', async (_what, tenant, asyncLookup) => {
    intake.asyncLookup = asyncLookup;
    const req = await post(`/webhooks/whatsapp/${tenant}`, { ...json, 'content-length': LIMIT });
    const res = await req.response;
    expect(res.status).toBe(404);
    expect(res.headers['connection']).toBe('close');
    await req.closed;
    expect(intake.calls).toHaveLength(0);
    expect(budget.acquired).toBe(0);
  });

  it('answers the platform URL 404 unread when it has no app secrets', async () => {
    intake.platformEnabled = false;
    const res = await (await post('/webhooks/whatsapp', { ...json, 'content-length': 500 })).response;
    expect(res.status).toBe(404);
    expect(budget.acquired).toBe(0);
  });

  it('answers 503 OVERLOADED (memory) unread when the declared body does not fit, and accepts again once there is room', async () => {
    expect(budget.tryAcquire(CAPACITY - 100)).toBe(true);
    const req = await post('/webhooks/whatsapp/acme', { ...json, 'content-length': 101 });
    const res = await req.response;
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('5');
    expect(res.headers['connection']).toBe('close');
    expect(JSON.parse(res.body)).toMatchObject({ code: 'OVERLOADED', reason: 'memory' });
    await req.closed;
    expect(intake.refused).toEqual([expect.objectContaining({ kind: 'unavailable', reason: 'memory' })]);
    budget.release(CAPACITY - 100);
    const body = 'x'.repeat(101);
    expect((await (await post('/webhooks/whatsapp/acme', { ...json, 'content-length': 101 }, body)).response).status).toBe(200);
  });

  it('gives back the bytes of a body that never arrives whole (client gone mid-body)', async () => {
    const req = await post('/webhooks/whatsapp/acme', { ...json, 'content-length': 5000 }, 'x'.repeat(1000));
    await until(() => budget.inFlight === 5000, 'the declared length to be held');
    req.destroy();
    await until(() => budget.inFlight === 0, 'the bytes to come back');
    expect(intake.calls).toHaveLength(0);
  });

  it('gives back the bytes of a stalled upload the server times out (declared, and chunked)', async () => {
    // An idle-socket timeout: the server destroys the connection, as Node does when requestTimeout passes.
    app.server.setTimeout(300);
    const declared = await post('/webhooks/whatsapp/acme', { ...json, 'content-length': 5000 }, 'x'.repeat(1000));
    const chunked = await post('/webhooks/whatsapp/acme', { ...json, 'transfer-encoding': 'chunked' }, chunk('x'.repeat(700)));
    await until(() => budget.acquired === 5700, 'both uploads to be admitted');
    await Promise.all([declared.closed, chunked.closed]);
    await until(() => budget.inFlight === 0, 'the bytes to come back');
    expect(intake.calls).toHaveLength(0);
  });

  it('holds the bytes while the service waits for the broker, even after the client left', async () => {
    let answer: (o: IntakeOutcome) => void = () => undefined;
    intake.next = () => new Promise((resolve) => (answer = resolve));
    const body = '{"entry":[]}';
    const req = await post('/webhooks/whatsapp/acme', { ...json, 'content-length': body.length }, body);
    await until(() => intake.calls.length === 1, 'the service to have the body');
    req.destroy();
    await req.closed;
    await new Promise((r) => setTimeout(r, 50));
    expect(budget.inFlight).toBe(body.length);
    answer({ kind: 'unavailable', reason: 'timeout', message: 'slow' });
    await until(() => budget.inFlight === 0, 'the bytes to come back');
  });

  it('answers 503 when the service throws, and gives the bytes back', async () => {
    intake.next = () => Promise.reject(new Error('boom'));
    const res = await (await post('/webhooks/whatsapp', { ...json, 'content-length': 2 }, '{}')).response;
    expect(res.status).toBe(503);
    expect(JSON.parse(res.body)).toMatchObject({ code: 'BROKER_UNAVAILABLE' });
  });

  it('answers a declared body over the limit 413 unread, holding nothing, before the tenant matters', async () => {
    for (const tenant of ['acme', 'nobody']) {
      const res = await (await post(`/webhooks/whatsapp/${tenant}`, { ...json, 'content-length': LIMIT + 1 })).response;
      expect(res.status).toBe(413);
    }
    expect(budget.acquired).toBe(0);
  });

  it('answers a content type other than JSON 415 unread, before the tenant matters (its bytes admitted meanwhile)', async () => {
    for (const headers of [{ 'content-type': 'text/plain' }, {}] as Array<Record<string, string>>) {
      const req = await post('/webhooks/whatsapp/nobody', { ...headers, 'content-length': 5000 });
      expect((await req.response).status).toBe(415);
    }
    expect(intake.refused).toEqual([]);
  });

  it('labels a refusal of a body whose tenant was never looked up `unknown`, never with the id from the URL', async () => {
    expect(budget.tryAcquire(CAPACITY)).toBe(true);
    const labels: string[] = [];
    intake.refuseUnread = (tenant: string, _route: string, outcome: IntakeOutcome) => (labels.push(tenant), outcome);
    const res = await (await post('/webhooks/whatsapp/attacker-chosen', { 'content-type': 'text/plain', 'content-length': 10 })).response;
    expect(res.status).toBe(503);
    expect(labels).toEqual(['unknown']);
    budget.release(CAPACITY);
  });

  describe('chunked bodies (always the Fastify routes)', () => {
    const chunked = { ...json, 'transfer-encoding': 'chunked' };

    it('counts them as they arrive and gives them back once answered', async () => {
      const body = '{"entry":[],"pad":"' + 'x'.repeat(3000) + '"}';
      const res = await (await post('/webhooks/whatsapp/acme', chunked, chunk(body.slice(0, 1000)) + chunk(body.slice(1000)) + chunk(''))).response;
      expect(res.status).toBe(200);
      expect(intake.calls).toEqual([{ tenant: 'acme', body }]);
      expect(budget.acquired).toBe(body.length);
    });

    it('stops reading with 503 OVERLOADED (memory) when the budget runs out mid-body', async () => {
      expect(budget.tryAcquire(CAPACITY - 2500)).toBe(true);
      const req = await post('/webhooks/whatsapp/acme', chunked, chunk('x'.repeat(1000)) + chunk('x'.repeat(1000)));
      await until(() => budget.inFlight === CAPACITY - 500, 'the first chunks to be counted');
      req.write(chunk('x'.repeat(1000)));
      const res = await req.response;
      expect(res.status).toBe(503);
      expect(res.headers['connection']).toBe('close');
      expect(JSON.parse(res.body)).toMatchObject({ code: 'OVERLOADED', reason: 'memory' });
      await req.closed;
      expect(intake.calls).toHaveLength(0);
      budget.release(CAPACITY - 2500);
    });

    it('answers 413 past the body limit, as before, and holds nothing afterwards', async () => {
      const req = await post('/webhooks/whatsapp/acme', chunked, chunk('x'.repeat(6000)) + chunk('x'.repeat(6000)));
      const res = await req.response;
      expect(res.status).toBe(413);
      req.destroy();
      expect(intake.calls).toHaveLength(0);
    });

    it('answers an unknown tenant 404 before reading the chunked body', async () => {
      const res = await (await post('/webhooks/whatsapp/nobody', chunked)).response;
      expect(res.status).toBe(404);
      expect(budget.acquired).toBe(0);
    });
  });
});
