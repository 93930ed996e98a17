import { Topics } from '@wahooks/events-contract';
import { RawPublisher } from '@wahooks/intake-feature';
import { testConfig, TopicReader } from '@wahooks/testing';

import { createTenant, postWebhook, sign, startIntake, textEnvelope } from './intake-helpers';

describe('intake graceful shutdown', () => {
  it('finishes in-flight requests with their broker acknowledgement before exiting', async () => {
    // A long linger keeps the requests waiting inside the batcher when close() starts.
    const config = testConfig({ INTAKE_LINGER_MS: '3000', INTAKE_MAX_BATCH: '1000', INTAKE_PUBLISH_TIMEOUT_MS: '15000' });
    const { app, url, adminUrl } = await startIntake(config);
    const reader = new TopicReader(config.kafka.brokers);
    await reader.start([Topics.webhooksRaw]);
    try {
      const tenant = await createTenant(adminUrl, config);
      const bodies = Array.from({ length: 20 }, (_, i) => textEnvelope(tenant.wabaId, tenant.phoneNumberId, `drain-${tenant.id}-${i}`));
      const responses = bodies.map((b) =>
        postWebhook(`${url}/webhooks/whatsapp/${tenant.id}`, b, { 'x-hub-signature-256': sign(b, tenant.secret) }),
      );
      // Close only once every request is inside the intake (a fixed sleep raced on a loaded machine).
      const producer = app.get(RawPublisher).producer;
      const deadline = Date.now() + 10_000;
      while (producer.queued < bodies.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      const closing = app.close();
      const statuses = await Promise.all(responses.map(async (r) => (await r).status));
      await closing;
      expect(statuses).toEqual(bodies.map(() => 200));
      await reader.waitFor((rs) => rs.filter((r) => r.key === tenant.id).length === bodies.length);
    } finally {
      await reader.stop();
    }
  });
});
