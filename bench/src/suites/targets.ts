import { randomBytes } from 'node:crypto';
import { join } from 'node:path';

import { Topics } from '@wahooks/events-contract';

import { SignedPayload } from '../payloads';
import { distPath } from '../paths';
import { forkTarget, freePort, TargetProcess } from '../processes';
import type { BenchContext } from '../suite';

export interface StartedTarget {
  process: TargetProcess;
  /** Where the signed webhooks go. */
  path: string;
  /** Records per produce request when fixed by design (the naive handler sends one per request). */
  recordsPerProduce?: number;
  /** Prometheus endpoint, for targets that have one. */
  metricsPath?: string;
  /** Where metricsPath is served when not on the webhook port (the intake's private port). */
  metricsUrl?: string;
}

const benchEnv = (ctx: BenchContext, secret: string): NodeJS.ProcessEnv => ({
  ...ctx.env,
  BENCH_APP_SECRET: secret,
  // The broker's name: the baseline writes with a plain kafkajs producer, in the services' namespace.
  BENCH_TOPIC: `${String(ctx.env['KAFKA_TOPIC_PREFIX'] ?? '')}${Topics.webhooksRaw}`,
  KAFKAJS_NO_PARTITIONER_WARNING: '1',
});

export async function startBareNode(ctx: BenchContext, secret: string): Promise<StartedTarget> {
  const process = await forkTarget('bare-node', distPath('bench', 'src', 'baselines', 'bare-node-server.js'), {
    env: benchEnv(ctx, secret),
    ready: { kind: 'ipc' },
    log: ctx.log,
  });
  return { process, path: '/webhooks/whatsapp/bench' };
}

/** The naive handler; with publish false, the same Nest app answering right after the signature check. */
export async function startNaiveNest(ctx: BenchContext, secret: string, publish = true, idempotent = false): Promise<StartedTarget> {
  const name = !publish ? 'nest-verify-only' : idempotent ? 'naive-nest-idempotent' : 'naive-nest';
  const process = await forkTarget(name, distPath('bench', 'src', 'baselines', 'naive-nest-server.js'), {
    env: { ...benchEnv(ctx, secret), BENCH_NEST_PUBLISH: publish ? '1' : '0', BENCH_NAIVE_IDEMPOTENT: idempotent ? '1' : '0' },
    ready: { kind: 'ipc' },
    log: ctx.log,
  });
  return publish ? { process, path: '/webhooks/whatsapp/bench', recordsPerProduce: 1 } : { process, path: '/webhooks/whatsapp/bench' };
}

/**
 * The real intake, started the way production starts it (its compiled
 * main.js: createIntakeApp + listen), in its own process, then a bench
 * tenant registered through the admin API.
 */
/** The bench tenant: one fixed id, so repeated runs do not pile tenants up in the database. */
export const BENCH_TENANT_ID = 'bench';
/** Its Meta app secret. Only ever used against the bench's own tenant on a local database. */
export const BENCH_APP_SECRET = 'wahooks-bench-app-secret-local-only';

/**
 * The real intake, started the way production starts it (its compiled
 * main.js: createIntakeApp + listen), in its own process, then the bench
 * tenant registered through the admin API (409: registered by an earlier run).
 */
export async function startIntake(ctx: BenchContext, secret: string, logLevel: string): Promise<StartedTarget & { tenantId: string }> {
  const port = await freePort();
  // The admin API and /metrics are on the intake's private port.
  let adminPort = port;
  while (adminPort === port) adminPort = await freePort();
  const adminUrl = `http://127.0.0.1:${adminPort}`;
  const execArgv = ctx.options.profileDir ? ['-r', distPath('bench', 'src', 'profiling', 'cpu-profile-agent.js')] : [];
  const process = await forkTarget('intake', distPath('apps', 'intake', 'src', 'main.js'), {
    env: { ...ctx.env, HTTP_PORT: String(port), HTTP_HOST: '127.0.0.1', ADMIN_HTTP_PORT: String(adminPort), ADMIN_HTTP_HOST: '127.0.0.1', LOG_LEVEL: logLevel },
    execArgv,
    ready: { kind: 'http', port, path: '/health/ready' },
    log: ctx.log,
  });
  try {
    const res = await fetch(`${adminUrl}/admin/tenants`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ctx.env['ADMIN_API_TOKEN'] ?? ''}` },
      body: JSON.stringify({
        id: BENCH_TENANT_ID,
        name: 'benchmark (npm run bench)',
        verifyToken: `verify-${randomBytes(8).toString('hex')}`,
        appSecrets: [secret],
        wabaIds: [],
        phoneNumberIds: [],
      }),
    });
    if (res.status !== 201 && res.status !== 409) throw new Error(`creating the bench tenant failed: ${res.status} ${await res.text()}`);
    return { process, path: `/webhooks/whatsapp/${BENCH_TENANT_ID}`, tenantId: BENCH_TENANT_ID, metricsPath: '/metrics', metricsUrl: adminUrl };
  } catch (error) {
    await process.stop();
    throw error;
  }
}

/** Every body once, sequentially: a target that does not answer 200 to all of them is not worth measuring. */
export async function checkAccepts(target: StartedTarget, payloads: SignedPayload[]): Promise<void> {
  for (const p of payloads) {
    const res = await fetch(`${target.process.url}${target.path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': p.signature },
      body: p.body,
    });
    const text = await res.text();
    if (res.status !== 200) {
      const hint = res.status === 401 && target.process.name === 'intake' ? ` (does tenant "${BENCH_TENANT_ID}" still have the secret ${BENCH_APP_SECRET}?)` : '';
      throw new Error(`${target.process.name} answered ${res.status} to ${p.name}${hint}: ${text.slice(0, 300)}`);
    }
  }
}

export const profilePath = (dir: string, label: string): string =>
  join(dir, `${label}-${new Date().toISOString().replace(/[:.]/g, '-')}.cpuprofile`);

/**
 * Totals of the intake's produce-batch histogram (wahooks_kafka_produce_batch_size,
 * successful batches) from its /metrics; undefined when the target has none.
 */
export async function produceBatches(target: StartedTarget): Promise<ProduceBatches | undefined> {
  return target.metricsPath ? produceBatchesAt(`${target.metricsUrl ?? target.process.url}${target.metricsPath}`) : undefined;
}

export interface ProduceBatches {
  count: number;
  records: number;
  seconds?: number;
}

/** produceBatches from a Prometheus endpoint's URL (an intake started elsewhere). */
export async function produceBatchesAt(metricsUrl: string): Promise<ProduceBatches | undefined> {
  try {
    const res = await fetch(metricsUrl, { signal: AbortSignal.timeout(5000) });
    if (!res.ok) return undefined;
    const text = await res.text();
    const value = (name: string): number | undefined => {
      const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && l.includes('outcome="ok"'));
      return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : undefined;
    };
    const count = value('wahooks_kafka_produce_batch_size_count');
    const records = value('wahooks_kafka_produce_batch_size_sum');
    const seconds = value('wahooks_kafka_produce_seconds_sum');
    return count === undefined || records === undefined ? undefined : { count, records, ...(seconds === undefined ? {} : { seconds }) };
  } catch {
    return undefined;
  }
}
