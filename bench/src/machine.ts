import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { cpus, release, totalmem, type } from 'node:os';
import { join } from 'node:path';

import { Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';

import { startCpuMeter } from './cpu';
import { repoRoot } from './paths';

export interface MachineInfo {
  cpu: string;
  cores: number;
  memoryGiB: number;
  os: string;
  node: string;
  kafka: string;
  postgres: string;
  tools: string;
  /** Cores busy (any process) while the bench sat idle just before measuring: other work sharing the machine. */
  backgroundCores?: number;
}

const packageVersion = (name: string): string => {
  try {
    return (JSON.parse(readFileSync(join(repoRoot(), 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return '?';
  }
};

/** The broker version from the jars scripts/kafka.sh runs (.tools/kafka/libs/kafka-server-<v>.jar). */
function kafkaJarVersion(): string | undefined {
  const libs = join(repoRoot(), '.tools', 'kafka', 'libs');
  if (!existsSync(libs)) return undefined;
  const jar = readdirSync(libs).find((f) => /^kafka-server-\d[\w.-]*\.jar$/.test(f));
  return jar?.replace(/^kafka-server-/, '').replace(/\.jar$/, '');
}

async function kafkaDescription(brokers: string[]): Promise<string> {
  const version = kafkaJarVersion() ?? 'unknown version';
  const admin = new Kafka({ clientId: 'wahooks-bench-machine', brokers, logLevel: logLevel.NOTHING }).admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    const nodes = cluster.brokers.length;
    return `Apache Kafka ${version}, KRaft, ${nodes === 1 ? 'single node (broker + controller in one JVM)' : `${nodes} brokers`}, on this machine`;
  } catch (error) {
    return `Apache Kafka ${version} (unreachable: ${error instanceof Error ? error.message : String(error)})`;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

async function postgresVersion(url: string): Promise<string> {
  const client = new Client({ connectionString: url });
  try {
    await client.connect();
    const { rows } = await client.query<{ version: string }>('SELECT version()');
    return `${rows[0]?.version ?? 'unknown'}, on this machine`;
  } catch (error) {
    return `unreachable: ${error instanceof Error ? error.message : String(error)}`;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Average cores busy over `ms` while this process waits (Linux /proc/stat). */
async function backgroundCores(ms: number): Promise<number | undefined> {
  const stopMeter = startCpuMeter(undefined, undefined);
  await new Promise((r) => setTimeout(r, ms));
  const usage = stopMeter();
  return usage.machine === undefined ? undefined : Math.max(0, usage.machine - usage.loadGenerator);
}

export async function describeMachine(env: NodeJS.ProcessEnv, sampleMs = 3000): Promise<MachineInfo> {
  const list = cpus();
  const background = await backgroundCores(sampleMs);
  const brokers = (env['KAFKA_BROKERS'] ?? '127.0.0.1:9092').split(',').map((b) => b.trim());
  return {
    cpu: list[0]?.model.trim() ?? 'unknown',
    cores: list.length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    os: `${type()} ${release()}`,
    node: process.version,
    kafka: await kafkaDescription(brokers),
    postgres: await postgresVersion(env['DATABASE_URL'] ?? ''),
    ...(background === undefined ? {} : { backgroundCores: background }),
    tools: `kafkajs ${packageVersion('kafkajs')}, autocannon ${packageVersion('autocannon')}, @nestjs/core ${packageVersion('@nestjs/core')}, fastify ${packageVersion('fastify')}`,
  };
}
