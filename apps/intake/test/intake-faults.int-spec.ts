import type { NestFastifyApplication } from '@nestjs/platform-fastify';

import { testConfig } from '@wahooks/testing';

import { createTenant, postWebhook, sign, startIntake, textEnvelope } from './intake-helpers';

describe('intake when the broker is unreachable', () => {
  let app: NestFastifyApplication;
  let url: string;
  let adminUrl: string;

  beforeAll(async () => {
    // Port 1 on loopback: nothing listens, connections are refused at once.
    const config = testConfig({ KAFKA_BROKERS: '127.0.0.1:1', INTAKE_PUBLISH_TIMEOUT_MS: '1000', LOG_LEVEL: 'fatal' });
    ({ app, url, adminUrl } = await startIntake(config));
  });

  afterAll(async () => {
    await app.close();
  });

  it('answers 503 within a bounded time, never 200 or 4xx, and stays up', async () => {
    const config = testConfig();
    const tenant = await createTenant(adminUrl, config);
    const body = textEnvelope(tenant.wabaId, tenant.phoneNumberId, 'broker-down');
    for (let i = 0; i < 3; i++) {
      const started = Date.now();
      const res = await postWebhook(`${url}/webhooks/whatsapp/${tenant.id}`, body, { 'x-hub-signature-256': sign(body, tenant.secret) });
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('5');
      expect(Date.now() - started).toBeLessThan(5000);
    }
    const ready = await fetch(`${url}/health/ready`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toEqual({ status: 'error' });
    expect((await fetch(`${url}/health/live`)).status).toBe(200);
    // Why, only on the private port.
    const details = await fetch(`${adminUrl}/health/ready`);
    expect(details.status).toBe(503);
    expect(((await details.json()) as { error: Record<string, unknown> }).error).toHaveProperty('kafka');
  });
});
