import type { NestFastifyApplication } from '@nestjs/platform-fastify';

import { RawPublisher } from '@wahooks/intake-feature';
import { testConfig, TestConfig } from '@wahooks/testing';

import { createTenant, postWebhook, sign, startIntake, textEnvelope } from './intake-helpers';

/**
 * Meta's port serves Meta's routes and a status-only probe; the admin API,
 * /metrics and the health details live on the private port only, over the
 * same providers as the webhook path.
 */
describe('intake ports: public for Meta, private for the rest', () => {
  let config: TestConfig;
  let app: NestFastifyApplication;
  let url: string;
  let adminUrl: string;
  let admin: Record<string, string>;

  beforeAll(async () => {
    // No periodic reload: a change the webhook path sees can only come from the shared directory's invalidation.
    config = testConfig({ TENANT_CACHE_TTL_MS: '0' });
    ({ app, url, adminUrl } = await startIntake(config));
    admin = { 'content-type': 'application/json', authorization: `Bearer ${config.adminApi.token}` };
  });

  afterAll(async () => {
    await app?.close();
  });

  it('answers 404 on the public port for the admin API and /metrics, whatever the token', async () => {
    expect(url).not.toBe(adminUrl);
    expect((await fetch(`${url}/admin/tenants`, { headers: admin })).status).toBe(404);
    const create = await fetch(`${url}/admin/tenants`, { method: 'POST', headers: admin, body: JSON.stringify({ id: 'never-made', verifyToken: 'verify-token', appSecrets: ['a-secret-of-16-chars-or-more'] }) });
    expect(create.status).toBe(404);
    expect((await fetch(`${url}/admin/tenants/never-made`, { headers: admin })).status).toBe(404);
    expect((await fetch(`${url}/metrics`)).status).toBe(404);
  });

  it('answers the public probes with a status and no details', async () => {
    const ready = await fetch(`${url}/health/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.text()).toBe('{"status":"ok"}');
    const live = await fetch(`${url}/health/live`);
    expect([live.status, await live.text()]).toEqual([200, '{"status":"ok"}']);
  });

  it('serves the admin API, /metrics and the health details on the private port, and no webhook there', async () => {
    expect((await fetch(`${adminUrl}/admin/tenants`)).status).toBe(401);
    expect((await fetch(`${adminUrl}/admin/tenants`, { headers: admin })).status).toBe(200);
    const metrics = await fetch(`${adminUrl}/metrics`);
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toContain('wahooks_intake_inflight_bytes_limit');
    const ready = (await (await fetch(`${adminUrl}/health/ready`)).json()) as { status: string; details: Record<string, unknown> };
    expect(ready.status).toBe('ok');
    expect(Object.keys(ready.details).sort()).toEqual(['database', 'kafka', 'shutdown', 'tenants']);
    const body = textEnvelope('1', '2', 'wrong-port');
    expect((await postWebhook(`${adminUrl}/webhooks/whatsapp/anyone`, body, { 'x-hub-signature-256': sign(body, 'x') })).status).toBe(404);
    expect((await fetch(`${adminUrl}/webhooks/whatsapp/anyone?hub.mode=subscribe`)).status).toBe(404);
  });

  it('shares the webhook path’s tenant directory: a tenant disabled on the private port is refused on the next webhook', async () => {
    const tenant = await createTenant(adminUrl, config);
    const body = textEnvelope(tenant.wabaId, tenant.phoneNumberId, `shared-${tenant.id}`);
    const headers = { 'x-hub-signature-256': sign(body, tenant.secret) };
    expect((await postWebhook(`${url}/webhooks/whatsapp/${tenant.id}`, body, headers)).status).toBe(200);
    const patched = await fetch(`${adminUrl}/admin/tenants/${tenant.id}`, { method: 'PATCH', headers: admin, body: JSON.stringify({ disabled: true }) });
    expect(patched.status).toBe(200);
    expect((await postWebhook(`${url}/webhooks/whatsapp/${tenant.id}`, body, headers)).status).toBe(404);
  });

  it('drains with both probes down, then closes both ports with the app', async () => {
    // A long linger holds a webhook inside the batcher while close() runs.
    const held = await startIntake(testConfig({ INTAKE_LINGER_MS: '3000', INTAKE_MAX_BATCH: '1000', INTAKE_PUBLISH_TIMEOUT_MS: '15000' }));
    const tenant = await createTenant(held.adminUrl, config);
    const body = textEnvelope(tenant.wabaId, tenant.phoneNumberId, `drain-${tenant.id}`);
    const pending = postWebhook(`${held.url}/webhooks/whatsapp/${tenant.id}`, body, { 'x-hub-signature-256': sign(body, tenant.secret) });
    const producer = held.app.get(RawPublisher).producer;
    const deadline = Date.now() + 10_000;
    while (producer.queued < 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    const closing = held.app.close();
    // While the webhook drains, the private port still answers: not ready, and why.
    let ready: Response | undefined;
    while (Date.now() < deadline && (ready = await fetch(`${held.adminUrl}/health/ready`)).status === 200) await new Promise((r) => setTimeout(r, 20));
    expect(ready?.status).toBe(503);
    expect(((await ready?.json()) as { error: Record<string, unknown> }).error).toHaveProperty('shutdown');
    // The public port takes no new request (refused, or 503 on a kept connection).
    const publicReady = await fetch(`${held.url}/health/ready`).then((r) => r.status, () => 'refused');
    expect([503, 'refused']).toContain(publicReady);
    expect((await pending).status).toBe(200);
    await closing;
    await expect(fetch(`${held.url}/health/live`)).rejects.toThrow();
    await expect(fetch(`${held.adminUrl}/health/live`)).rejects.toThrow();
  });
});
