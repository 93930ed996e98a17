import { randomBytes } from 'node:crypto';

import { Topics } from '@wahooks/events-contract';
import { loadFixtures, provisionTenant, ProvisionedTenant, signLikeMeta, SpawnedApp, testConfig, TopicReader } from '@wahooks/testing';

import { FuzzCase, generateCases } from './fuzz-cases';
import { Prng } from './prng';

const SEED = Number(process.env['FUZZ_SEED'] ?? 20261124);
const COUNT = Number(process.env['FUZZ_CASES'] ?? 3000);
const BODY_LIMIT = 64 * 1024;
const config = testConfig();

/**
 * Seeded fuzzing of the intake's public surface: malformed, truncated,
 * oversized, mis-signed, wrong-content-type and random bodies and headers.
 * Every one must get the status docs/intake.md promises, never a 5xx (the
 * broker is up) and never a 200, and none may reach Kafka.
 */
describe(`intake fuzz (seed ${SEED}, ${COUNT} cases)`, () => {
  const intake = new SpawnedApp('intake', { INTAKE_BODY_LIMIT_BYTES: String(BODY_LIMIT) });
  const reader = new TopicReader(config.kafka.brokers);
  const marker = `fuzzmark${randomBytes(4).toString('hex')}`;
  let tenant: ProvisionedTenant;
  let disabled: ProvisionedTenant;

  beforeAll(async () => {
    await Promise.all([intake.start(), reader.start([Topics.webhooksRaw, Topics.webhooksUnrouted])]);
    [tenant, disabled] = await Promise.all([provisionTenant(intake.adminUrl, config.adminApi.token, 'fuzz'), provisionTenant(intake.adminUrl, config.adminApi.token, 'fuzzoff')]);
    const patched = await fetch(`${intake.adminUrl}/admin/tenants/${disabled.id}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${config.adminApi.token}` },
      body: JSON.stringify({ disabled: true }),
    });
    expect(patched.status).toBe(200);
    // The tenant directory is a cache: wait until the intake sees the tenant disabled.
    const deadline = Date.now() + 15_000;
    for (;;) {
      const probe = await fetch(`${intake.url}/webhooks/whatsapp/${disabled.id}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': signLikeMeta('{}', disabled.secret) }, body: '{}' });
      if (probe.status === 404) break;
      if (Date.now() > deadline) throw new Error(`disabled tenant still answers ${probe.status}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  });

  afterAll(async () => {
    await reader.stop();
    await intake.stop();
  });

  it('answers every hostile request with its documented status and publishes none of them', async () => {
    const cases = generateCases(new Prng(SEED), {
      tenantId: tenant.id,
      secret: tenant.secret,
      verifyToken: `verify-${tenant.id}`,
      disabledTenantId: disabled.id,
      disabledSecret: disabled.secret,
      platformSecret: config.platform.appSecrets[0],
      bodyLimit: BODY_LIMIT,
      samples: loadFixtures().map((f) => f.body).filter((b) => b.length < BODY_LIMIT),
      marker,
    }, COUNT);

    const results: Array<{ c: FuzzCase; status: number | string }> = [];
    let next = 0;
    const worker = async () => {
      while (next < cases.length) {
        const c = cases[next++] as FuzzCase;
        const status = await fetch(`${intake.url}${c.path}`, { method: c.method, headers: c.headers, ...(c.body ? { body: c.body } : {}), signal: AbortSignal.timeout(10_000) }).then(
          async (r) => {
            await r.arrayBuffer();
            return r.status;
          },
          (e: Error & { cause?: { code?: string } }) => `network error ${e.cause?.code ?? e.message}`,
        );
        results.push({ c, status });
      }
    };
    await Promise.all(Array.from({ length: 12 }, worker));

    const byCategory: Record<string, Record<string, number>> = {};
    for (const { c, status } of results) {
      const row = (byCategory[c.category] ??= {});
      row[String(status)] = (row[String(status)] ?? 0) + 1;
    }
    if (process.env['FUZZ_VERBOSE']) console.log(JSON.stringify(byCategory, null, 1));
    const wrong = results.filter(({ c, status }) => status !== c.expect).map(({ c, status }) => `${c.category} [${c.detail}] ${c.method} ${c.path.slice(0, 80)} → ${status}`);
    expect({ seed: SEED, byCategory, wrong: wrong.slice(0, 25), wrongCount: wrong.length }).toEqual({ seed: SEED, byCategory: expect.anything(), wrong: [], wrongCount: 0 });
    expect(results.filter(({ status }) => typeof status !== 'number' || status >= 500 || status === 200)).toHaveLength(0);
    expect(results).toHaveLength(COUNT);

    // A control delivery after the fuzz proves the reader caught up; nothing else of ours may be there.
    const control = JSON.stringify({ object: 'whatsapp_business_account', entry: [{ id: '1', changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', metadata: { display_phone_number: '1', phone_number_id: '1' }, statuses: [{ id: `wamid.control-${marker}`, status: 'sent', timestamp: '1767225600', recipient_id: '15550001111' }] } }] }] });
    const ok = await fetch(`${intake.url}/webhooks/whatsapp/${tenant.id}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': signLikeMeta(control, tenant.secret) }, body: control });
    expect(ok.status).toBe(200);
    await reader.waitFor((rs) => rs.some((r) => r.value?.toString().includes(`wamid.control-${marker}`)));
    const leaked = reader.records.filter((r) => (r.key === tenant.id || r.key === disabled.id || r.value?.toString('latin1').includes(marker)) && !r.value?.toString().includes(`wamid.control-${marker}`));
    expect(leaked.map((r) => `${r.topic} ${r.key} ${r.value?.toString().slice(0, 120)}`)).toEqual([]);
  });

  it('is still healthy afterwards', async () => {
    expect((await fetch(`${intake.url}/health/live`)).status).toBe(200);
    expect((await fetch(`${intake.url}/health/ready`)).status).toBe(200);
  });
});
