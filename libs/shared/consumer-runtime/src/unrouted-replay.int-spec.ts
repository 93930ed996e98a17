import pino from 'pino';

import { RawHeaders, Topics } from '@wahooks/events-contract';
import { KafkaClients } from '@wahooks/kafka';
import { signLikeMeta, SpawnedApp, testConfig, TopicReader, uniqueId, uniqueMetaId } from '@wahooks/testing';

import { RecordProof } from './record-proof';
import { replayUnrouted, TenantRoutes } from './unrouted-replay';

const config = testConfig();

const envelope = (entries: Array<{ waba: string; phone: string; text: string }>) =>
  JSON.stringify({
    object: 'whatsapp_business_account',
    entry: entries.map((e) => ({
      id: e.waba,
      changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', metadata: { display_phone_number: '1555', phone_number_id: e.phone }, messages: [{ from: '15551234567', id: `wamid.${e.text}`, timestamp: '1700000000', type: 'text', text: { body: e.text } }] } }],
    })),
  });

describe('unrouted:replay', () => {
  const intake = new SpawnedApp('intake', {});
  const reader = new TopicReader(config.kafka.brokers);
  const kafka = new KafkaClients(config.kafka, pino({ level: 'silent' }), 'unrouted-test');

  beforeAll(async () => {
    await intake.start();
    await reader.start([Topics.webhooksRaw, Topics.webhooksUnrouted]);
  });

  afterAll(async () => {
    await reader.stop();
    await intake.stop();
  });

  it('routes kept entries to a tenant registered afterwards, keeps the rest, and writes no more than it read', async () => {
    const later = { waba: uniqueMetaId(), phone: uniqueMetaId(), text: uniqueId('for-later') };
    const never = { waba: uniqueMetaId(), phone: uniqueMetaId(), text: uniqueId('for-nobody') };
    const body = envelope([later, never]);
    const secret = config.platform.appSecrets[0]!;
    const res = await fetch(`${intake.url}/webhooks/whatsapp`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': signLikeMeta(body, secret) }, body });
    expect(res.status).toBe(200);
    await reader.waitFor((rs) => rs.some((r) => r.topic === Topics.webhooksUnrouted && r.value?.toString() === body));

    // The WABA is registered now.
    const tenantId = uniqueId('late');
    const routes: TenantRoutes = { byWaba: (id) => (id === later.waba ? tenantId : undefined), byPhoneNumber: () => undefined };
    const report = await replayUnrouted(kafka, routes, new RecordProof(config.recordProof.keys), { dryRun: false, timeoutMs: 60_000 });
    expect(report.replayed).toBeGreaterThanOrEqual(1);
    expect(report.replayed).toBeLessThanOrEqual(report.read);
    expect(report.byTenant[tenantId]).toBe(1);

    const routed = (await reader.waitFor((rs) => rs.some((r) => r.topic === Topics.webhooksRaw && r.key === tenantId))).filter((r) => r.topic === Topics.webhooksRaw && r.key === tenantId);
    expect(routed).toHaveLength(1);
    const value = JSON.parse(routed[0]!.value!.toString()) as { entry: Array<{ id: string }> };
    expect(value.entry.map((e) => e.id)).toEqual([later.waba]);
    expect(routed[0]!.headers).toMatchObject({ [RawHeaders.tenantId]: tenantId, [RawHeaders.route]: 'platform-url', [RawHeaders.originalBody]: body });
    // Signed as the intake signs: the consumers will accept it.
    expect(() => new RecordProof(config.recordProof.keys).verify({ topic: Topics.webhooksRaw, partition: 0, offset: '0', key: tenantId, value: routed[0]!.value, headers: routed[0]!.headers, timestamp: 0 })).not.toThrow();
    // The entry nobody owns is not written anywhere.
    expect(reader.records.filter((r) => r.topic === Topics.webhooksRaw && r.value?.toString().includes(never.text))).toHaveLength(0);
  });
});
