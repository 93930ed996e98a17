import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

import pino from 'pino';

import { kafkaSection, loadConfig } from '@wahooks/config';
import { ACCESS_ROLES, Topics } from '@wahooks/events-contract';
import { KafkaClients, KafkaSecurityError, RecordBatch } from '@wahooks/kafka';
import { SpawnedApp, testConfig } from '@wahooks/testing';

/**
 * Against the local SASL_SSL broker of scripts/kafka-secure.sh (scripts/test.sh
 * starts it): SCRAM users per service, a throwaway CA, ACLs enforced. Every
 * client connects from the same config variables the apps read.
 */
const ROOT = resolve(__dirname, '../../..');
const DIR = resolve(ROOT, process.env['KAFKA_SECURE_DATA_DIR'] ?? '.data/kafka-secure');
const creds = JSON.parse(readFileSync(resolve(DIR, 'credentials.json'), 'utf8')) as {
  brokers: string[];
  caFile: string;
  clientCertFile: string;
  clientKeyFile: string;
  untrustedCaFile: string;
  users: Record<string, { username: string; password: string }>;
};
const prefix = `sec-${randomBytes(3).toString('hex')}.`;

/** The variables a deployment sets for one principal. */
const envAs = (user: string, overrides: Record<string, string> = {}): Record<string, string> => ({
  KAFKA_BROKERS: creds.brokers.join(','),
  KAFKA_TOPIC_PREFIX: prefix,
  KAFKA_SECURITY_PROTOCOL: 'SASL_SSL',
  KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512',
  KAFKA_SASL_USERNAME: creds.users[user]!.username,
  KAFKA_SASL_PASSWORD: creds.users[user]!.password,
  KAFKA_TLS_CA_FILE: creds.caFile,
  ...overrides,
});
const clientsAs = (user: string, overrides: Record<string, string> = {}) => new KafkaClients(loadConfig([kafkaSection], envAs(user, overrides)).kafka, pino({ level: 'silent' }), `sec-${user}`);

/** kafka-admin as the topics job runs it, with the super user's credentials. */
function kafkaAdmin(command: string): string {
  const run = spawnSync(process.execPath, [resolve(ROOT, 'dist/tools/kafka-admin/src/main.js'), command, '--timeout-ms', '60000'], {
    env: { ...process.env, ...envAs('admin'), KAFKA_ACL_PRINCIPALS: ACCESS_ROLES.map((r) => `${r}=User:${r}`).join(',') },
    encoding: 'utf8',
  });
  if (run.status !== 0) throw new Error(`kafka-admin ${command} failed:\n${run.stderr}`);
  return run.stderr;
}

describe('Kafka over SASL_SSL with SCRAM users and ACLs', () => {
  beforeAll(() => {
    kafkaAdmin('create-topics');
    expect(kafkaAdmin('create-acls')).toMatch(/ACLs in place under the prefix/);
  }, 120_000);

  it('lets the intake write the raw topic and the status projector read it in its own group, over SCRAM-SHA-512 and TLS', async () => {
    const intake = clientsAs('intake');
    expect(await intake.preflight()).toBe('ok');
    const producer = intake.producer('raw', { lingerMs: 0, maxBatch: 10, publishTimeoutMs: 20_000 });
    const marker = `secure-${randomBytes(4).toString('hex')}`;
    await producer.publish({ topic: Topics.webhooksRaw, key: 'tenant-a', value: Buffer.from(marker), headers: {} });
    await producer.close();

    const seen: string[] = [];
    const consumer = clientsAs('status-projector').consumer({
      groupId: 'wahooks-status-projector',
      topics: [Topics.webhooksRaw],
      sessionTimeoutMs: 10_000,
      heartbeatIntervalMs: 1000,
      partitionsConsumedConcurrently: 1,
      fromBeginning: true,
    });
    await consumer.start(async (batch: RecordBatch) => {
      seen.push(...batch.records.map((r) => r.value?.toString() ?? ''));
      return 'commit';
    });
    const deadline = Date.now() + 60_000;
    while (!seen.includes(marker) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    await consumer.stop();
    expect(seen).toContain(marker);
  });

  it('refuses a consumer principal that writes the raw topic (TOPIC_AUTHORIZATION_FAILED)', async () => {
    const producer = clientsAs('status-projector').producer('forger', { lingerMs: 0, maxBatch: 1, publishTimeoutMs: 20_000 });
    await expect(producer.publish({ topic: Topics.webhooksRaw, key: 'victim', value: Buffer.from('{}'), headers: {} })).rejects.toThrow(/TOPIC_AUTHORIZATION_FAILED/);
    await producer.close();
  });

  it('refuses a consumer that joins another service\'s group', async () => {
    const failures: string[] = [];
    const consumer = clientsAs('template-monitor').consumer(
      {
        groupId: 'wahooks-status-projector',
        topics: [Topics.webhooksRaw],
        sessionTimeoutMs: 10_000,
        heartbeatIntervalMs: 1000,
        partitionsConsumedConcurrently: 1,
        fromBeginning: true,
      },
      (state, error) => {
        if (state === 'joined') return;
        const chain: string[] = [];
        for (let e: unknown = error; e instanceof Error && chain.length < 6; e = (e as { cause?: unknown }).cause) chain.push(`${e.name}: ${e.message} ${String((e as { type?: unknown }).type ?? '')}`);
        failures.push(chain.join(' <- '));
      },
    );
    await consumer.start(async () => 'commit').catch((error: unknown) => failures.push(String(error)));
    const deadline = Date.now() + 30_000;
    while (failures.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    await consumer.stop().catch(() => undefined);
    // kafkajs reports the broker's GROUP_AUTHORIZATION_FAILED as a coordinator it cannot find.
    expect(failures.join('\n')).toMatch(/not authorized to access group|GROUP_AUTHORIZATION_FAILED|Failed to find group coordinator/i);

    // The control: the same principal joins its own group.
    let joined = false;
    const own = clientsAs('template-monitor').consumer(
      { groupId: 'wahooks-template-monitor', topics: [Topics.webhooksRaw], sessionTimeoutMs: 10_000, heartbeatIntervalMs: 1000, partitionsConsumedConcurrently: 1, fromBeginning: false },
      (state) => {
        if (state === 'joined') joined = true;
      },
    );
    await own.start(async () => 'commit');
    const until = Date.now() + 30_000;
    while (!joined && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
    await own.stop();
    expect(joined).toBe(true);
  });

  it('stops at start-up, fast and saying why, on a wrong password', async () => {
    const started = Date.now();
    await expect(clientsAs('intake', { KAFKA_SASL_PASSWORD: 'wrong-password' }).preflight()).rejects.toThrow(KafkaSecurityError);
    await expect(clientsAs('intake', { KAFKA_SASL_PASSWORD: 'wrong-password' }).preflight()).rejects.toThrow(/refused the login as intake with SCRAM-SHA-512/);
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it('stops at start-up, fast and saying why, on a broker certificate it does not trust', async () => {
    const started = Date.now();
    await expect(clientsAs('intake', { KAFKA_TLS_CA_FILE: creds.untrustedCaFile }).preflight()).rejects.toThrow(/TLS certificate .* is not trusted/);
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it('connects with a client certificate (mTLS) beside SCRAM, and with PLAIN over TLS', async () => {
    expect(await clientsAs('intake', { KAFKA_TLS_CERT_FILE: creds.clientCertFile, KAFKA_TLS_KEY_FILE: creds.clientKeyFile }).preflight()).toBe('ok');
    expect(await clientsAs('intake', { KAFKA_SASL_MECHANISM: 'PLAIN' }).preflight()).toBe('ok');
    const producer = clientsAs('intake', { KAFKA_SASL_MECHANISM: 'SCRAM-SHA-256' }).producer('raw', { lingerMs: 0, maxBatch: 1, publishTimeoutMs: 20_000 });
    await producer.publish({ topic: Topics.webhooksUnrouted, key: 'waba', value: Buffer.from('{}'), headers: {} });
    await producer.close();
  });

  it('runs the intake app against it, and refuses to start it with a wrong password', async () => {
    const config = testConfig();
    const good = new SpawnedApp('intake', envAs('intake'));
    await good.start();
    const ready = (await (await fetch(`${good.adminUrl}/health/ready`)).json()) as { details: { kafka: { status: string } } };
    expect(ready.details.kafka.status).toBe('up');
    await good.stop();

    const bad = new SpawnedApp('intake', envAs('intake', { KAFKA_SASL_PASSWORD: 'wrong-password' }));
    const started = Date.now();
    await expect(bad.start('/health/ready', 30_000)).rejects.toThrow(/exited with 1[\s\S]*refused the login as intake/);
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(config.kafka.security.protocol).toBe('PLAINTEXT');
  });
});
