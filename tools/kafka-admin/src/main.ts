/**
 * kafka-admin: the small Kafka CLI behind scripts/kafka.sh, the compose `topics`
 * service and the k8s topic Job.
 *
 *   node dist/tools/kafka-admin/src/main.js wait-ready     [--timeout-ms N]
 *   node dist/tools/kafka-admin/src/main.js create-topics  [--timeout-ms N] [--replication-factor N] [--grow-partitions]
 *   node dist/tools/kafka-admin/src/main.js list-topics    [--timeout-ms N]
 *   node dist/tools/kafka-admin/src/main.js create-acls    [--timeout-ms N]
 *
 * Environment:
 *   KAFKA_BROKERS                     comma list, default 127.0.0.1:9092
 *   KAFKA_CLIENT_ID                   default wahooks-kafka-admin
 *   KAFKA_TOPIC_REPLICATION_FACTOR    default 1 (a production cluster wants 3)
 *   KAFKA_TOPIC_MIN_INSYNC_REPLICAS   optional topic-level min.insync.replicas
 *   KAFKA_TOPIC_PREFIX                namespace of every topic (as the apps use it), default none
 *   KAFKA_SECURITY_PROTOCOL, KAFKA_SASL_*, KAFKA_TLS_*   how to connect (as the apps do; docs/security.md)
 *   KAFKA_ACL_PRINCIPALS              create-acls: `role=principal` pairs, comma separated
 *                                     (roles: intake, status-projector, fallback-trigger,
 *                                     template-monitor, inbound-reply, tools); default User:<role>
 *   KAFKA_ADMIN_LOG_LEVEL             kafkajs log level (NOTHING, ERROR, WARN, INFO, DEBUG); default NOTHING
 *
 * Exit codes: 0 done, 1 failed or timed out (the reason is on stderr), 2 usage error.
 */
import { kafkaSection, loadConfig } from '@wahooks/config';
import { ACCESS_ROLES, accessOf, AccessRole, TopicSpec, TopicSpecs } from '@wahooks/events-contract';
import { kafkajsSecurity, PLAINTEXT } from '@wahooks/kafka';
import {
  AclEntry,
  AclOperationTypes,
  AclPermissionTypes,
  AclResourceTypes,
  Admin,
  ConfigResourceTypes,
  ITopicConfig,
  Kafka,
  logLevel,
  ResourcePatternTypes,
  type KafkaConfig,
} from 'kafkajs';

const PREFIX = '[kafka-admin]';
const GROUP_METADATA_TOPIC = '__consumer_offsets';

/**
 * Topic used only by wait-ready to prove the whole path the apps take (topic
 * creation, partition leadership, idempotent acks=all write, group join, fetch,
 * offset commit). One partition, short retention; carries only probe records.
 */
export const READINESS_TOPIC = 'wahooks.kafka-readiness.v1';

export interface Options {
  brokers: string[];
  clientId: string;
  timeoutMs: number;
  replicationFactor: number;
  minInsyncReplicas: number | undefined;
  growPartitions: boolean;
  logLevel: logLevel;
  /** The apps' KAFKA_TOPIC_PREFIX: topics are created under it. */
  topicPrefix: string;
  /** TLS and SASL, as the apps connect. */
  security: Pick<KafkaConfig, 'ssl' | 'sasl'>;
  /** create-acls: who runs each role. */
  principals: Record<AccessRole, string>;
}

class UsageError extends Error {}

const log = (message: string): void => {
  process.stderr.write(`${PREFIX} ${message}\n`);
};

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const describeError = (error: unknown): string => {
  if (error instanceof Error) {
    const type = (error as { type?: string }).type;
    return type && !error.message.includes(type) ? `${error.message} (${type})` : error.message;
  }
  return String(error);
};

/** Java's String.hashCode, which Kafka uses to place a group on a __consumer_offsets partition. */
export const javaStringHashCode = (value: string): number => {
  let hash = 0;
  for (let i = 0; i < value.length; i += 1) {
    hash = (Math.imul(31, hash) + value.charCodeAt(i)) | 0;
  }
  return hash;
};

/** Kafka's GroupCoordinator partitionFor: Utils.abs(groupId.hashCode()) % partitions. */
export const groupPartition = (groupId: string, partitions: number): number => {
  const hash = javaStringHashCode(groupId);
  const abs = hash === -2147483648 ? 0 : Math.abs(hash);
  return abs % partitions;
};

/** One group id per __consumer_offsets partition, so a describe touches every coordinator shard. */
export const groupIdsCoveringPartitions = (prefix: string, partitions: number): string[] => {
  const found = new Map<number, string>();
  for (let i = 0; found.size < partitions; i += 1) {
    const candidate = `${prefix}-${i}`;
    const partition = groupPartition(candidate, partitions);
    if (!found.has(partition)) found.set(partition, candidate);
  }
  return [...found.entries()].sort(([a], [b]) => a - b).map(([, groupId]) => groupId);
};

const positiveInt = (raw: string | undefined, name: string, fallback: number | undefined): number | undefined => {
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new UsageError(`${name} must be a positive integer, got "${raw}"`);
  return value;
};

export const parseArgs = (argv: string[], env: NodeJS.ProcessEnv): { command: string; options: Options } => {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h') throw new UsageError('missing command');
  const flags = new Map<string, string | true>();
  for (let i = 0; i < rest.length; i += 1) {
    const arg = rest[i] as string;
    if (!arg.startsWith('--')) throw new UsageError(`unexpected argument "${arg}"`);
    const [key, inline] = arg.slice(2).split('=', 2) as [string, string | undefined];
    if (key === 'grow-partitions') flags.set(key, true);
    else if (key === 'timeout-ms' || key === 'replication-factor') {
      const value = inline ?? rest[++i];
      if (value === undefined) throw new UsageError(`--${key} needs a value`);
      flags.set(key, value);
    } else throw new UsageError(`unknown option --${key}`);
  }
  const flag = (key: string): string | undefined => {
    const value = flags.get(key);
    return typeof value === 'string' ? value : undefined;
  };
  const brokers = (env['KAFKA_BROKERS'] ?? '127.0.0.1:9092')
    .split(',')
    .map((broker) => broker.trim())
    .filter(Boolean);
  if (brokers.length === 0) throw new UsageError('KAFKA_BROKERS is empty');
  const level = (env['KAFKA_ADMIN_LOG_LEVEL'] ?? 'NOTHING').toUpperCase();
  if (!(level in logLevel)) throw new UsageError(`KAFKA_ADMIN_LOG_LEVEL must be one of NOTHING, ERROR, WARN, INFO, DEBUG`);
  return {
    command,
    options: {
      brokers,
      clientId: env['KAFKA_CLIENT_ID'] || 'wahooks-kafka-admin',
      timeoutMs: positiveInt(flag('timeout-ms'), '--timeout-ms', 60_000) as number,
      replicationFactor: positiveInt(
        flag('replication-factor') ?? env['KAFKA_TOPIC_REPLICATION_FACTOR'],
        'replication factor',
        1,
      ) as number,
      minInsyncReplicas: positiveInt(env['KAFKA_TOPIC_MIN_INSYNC_REPLICAS'], 'KAFKA_TOPIC_MIN_INSYNC_REPLICAS', undefined),
      growPartitions: flags.get('grow-partitions') === true,
      logLevel: logLevel[level as keyof typeof logLevel],
      topicPrefix: topicPrefixFrom(env['KAFKA_TOPIC_PREFIX']),
      security: securityFrom(env, brokers),
      principals: principalsFrom(env['KAFKA_ACL_PRINCIPALS']),
    },
  };
};

const topicPrefixFrom = (raw: string | undefined): string => {
  const prefix = raw ?? '';
  if (!/^[a-zA-Z0-9._-]*$/.test(prefix)) throw new UsageError(`KAFKA_TOPIC_PREFIX may only hold letters, digits, '.', '_' and '-'`);
  return prefix;
};

/** TLS and SASL from the same validated variables the apps read. */
const securityFrom = (env: NodeJS.ProcessEnv, brokers: string[]): Pick<KafkaConfig, 'ssl' | 'sasl'> => {
  try {
    return kafkajsSecurity(loadConfig([kafkaSection], { ...env, KAFKA_BROKERS: brokers.join(',') }).kafka.security ?? PLAINTEXT);
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
};

const principalsFrom = (raw: string | undefined): Record<AccessRole, string> => {
  const out = Object.fromEntries(ACCESS_ROLES.map((r) => [r, `User:${r}`])) as Record<AccessRole, string>;
  for (const pair of (raw ?? '').split(',').map((p) => p.trim()).filter(Boolean)) {
    const [role, principal] = pair.split('=', 2).map((x) => x.trim());
    if (!role || !principal || !(ACCESS_ROLES as readonly string[]).includes(role)) throw new UsageError(`KAFKA_ACL_PRINCIPALS: "${pair}" is not <role>=<principal> with a role of ${ACCESS_ROLES.join(', ')}`);
    if (!/^[A-Za-z]+:.+$/.test(principal)) throw new UsageError(`KAFKA_ACL_PRINCIPALS: principal "${principal}" must read <type>:<name>, e.g. User:intake`);
    out[role as AccessRole] = principal;
  }
  return out;
};

/**
 * The ACL entries of the access table (events-contract's accessOf) for one
 * deployment: every topic and group under its prefix, each principal allowed
 * exactly what its role needs. Pure, so the table is tested without a broker.
 */
export const aclEntries = (prefix: string, principals: Record<AccessRole, string>): AclEntry[] => {
  const entry = (principal: string, resourceType: AclResourceTypes, resourceName: string, operation: AclOperationTypes, pattern = ResourcePatternTypes.LITERAL): AclEntry => ({
    principal,
    host: '*',
    operation,
    permissionType: AclPermissionTypes.ALLOW,
    resourceType,
    resourceName,
    resourcePatternType: pattern,
  });
  const out: AclEntry[] = [];
  for (const role of ACCESS_ROLES) {
    const principal = principals[role];
    const access = accessOf(role);
    for (const t of access.read) out.push(entry(principal, AclResourceTypes.TOPIC, prefix + t, AclOperationTypes.READ), entry(principal, AclResourceTypes.TOPIC, prefix + t, AclOperationTypes.DESCRIBE));
    for (const t of access.write) out.push(entry(principal, AclResourceTypes.TOPIC, prefix + t, AclOperationTypes.WRITE), entry(principal, AclResourceTypes.TOPIC, prefix + t, AclOperationTypes.DESCRIBE));
    for (const g of access.groups) out.push(entry(principal, AclResourceTypes.GROUP, g, AclOperationTypes.READ));
    for (const g of access.groupPrefixes) out.push(entry(principal, AclResourceTypes.GROUP, g, AclOperationTypes.READ, ResourcePatternTypes.PREFIXED));
  }
  // The same entry twice (a topic both read and written) is one ACL.
  return [...new Map(out.map((e) => [JSON.stringify(e), e])).values()];
};

/** The suite's topics as this deployment names them on the broker. */
export const namespacedSpecs = (prefix: string): TopicSpec[] => TopicSpecs.map((spec) => ({ ...spec, name: `${prefix}${spec.name}` }));

const kafkaFor = (options: Options): Kafka => {
  const config: KafkaConfig = {
    clientId: options.clientId,
    brokers: options.brokers,
    logLevel: options.logLevel,
    ...options.security,
    connectionTimeout: 1_000,
    requestTimeout: 5_000,
    // Our own loops own the deadline; kafkajs only smooths over single hiccups.
    retry: { retries: 1, initialRetryTime: 100, maxRetryTime: 1_000 },
  };
  return new Kafka(config);
};

/** Retries `attempt` with capped backoff until it resolves or the deadline passes. */
const until = async <T>(what: string, deadline: number, attempt: () => Promise<T>): Promise<T> => {
  let lastError: unknown;
  let delay = 100;
  let attempts = 0;
  for (;;) {
    attempts += 1;
    try {
      const result = await attempt();
      if (attempts > 1) log(`${what}: ok after ${attempts} attempts (last transient error: ${describeError(lastError)})`);
      return result;
    } catch (error) {
      lastError = error;
    }
    const left = deadline - Date.now();
    if (left <= 0) {
      throw new Error(`${what}: gave up after ${attempts} attempts; last error: ${describeError(lastError)}`);
    }
    await sleep(Math.min(delay, left));
    delay = Math.min(delay * 2, 1_000);
  }
};

const withTimeout = async <T>(what: string, ms: number, work: Promise<T>): Promise<T> => {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), Math.max(ms, 1));
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
};

const elapsed = (since: number): string => `${((Date.now() - since) / 1000).toFixed(1)}s`;

const connectAdmin = async (kafka: Kafka, options: Options, deadline: number, quiet = false): Promise<Admin> => {
  const started = Date.now();
  const admin = kafka.admin();
  const cluster = await until(`broker ${options.brokers.join(',')} answering`, deadline, async () => {
    await admin.connect();
    const described = await admin.describeCluster();
    if (described.brokers.length === 0) throw new Error('cluster reports no brokers');
    if (described.controller === null || described.controller < 0) throw new Error('cluster has no active controller');
    return described;
  });
  if (!quiet) {
    log(
      `broker answers: cluster ${cluster.clusterId}, ${cluster.brokers.length} broker(s), ` +
        `controller ${cluster.controller} (${elapsed(started)})`,
    );
  }
  return admin;
};

/**
 * Ready means a client can do everything the apps do: the broker answers
 * metadata, every group-coordinator shard has loaded (right after a start the
 * coordinator answers NOT_COORDINATOR / COORDINATOR_LOAD_IN_PROGRESS for a
 * while), an idempotent producer gets a producer id and writes with acks=all,
 * and a real consumer joins a group, reads that record and commits an offset
 * that reads back.
 */
const waitReady = async (options: Options): Promise<void> => {
  const started = Date.now();
  const deadline = started + options.timeoutMs;
  const kafka = kafkaFor(options);
  const admin = await connectAdmin(kafka, options, deadline);
  const runId = `${process.pid}-${Date.now()}`;
  const probeGroup = `wahooks-readiness-${runId}`;
  try {
    // 1. The first FindCoordinator creates __consumer_offsets; wait for its coordinator.
    let step = Date.now();
    await until('group coordinator', deadline, () => admin.describeGroups([probeGroup]));
    const offsetsTopic = await until(`${GROUP_METADATA_TOPIC} metadata`, deadline, async () => {
      const { topics } = await admin.fetchTopicMetadata({ topics: [GROUP_METADATA_TOPIC] });
      const partitions = topics[0]?.partitions ?? [];
      if (partitions.length === 0) throw new Error(`${GROUP_METADATA_TOPIC} has no partitions yet`);
      const leaderless = partitions.filter((p) => p.leader < 0);
      if (leaderless.length > 0) throw new Error(`${leaderless.length} ${GROUP_METADATA_TOPIC} partitions have no leader`);
      return partitions.length;
    });

    // 2. Every shard: one group id per __consumer_offsets partition, described in one request.
    const shardGroups = groupIdsCoveringPartitions('wahooks-readiness-shard', offsetsTopic);
    await until(`all ${offsetsTopic} group-coordinator shards loaded`, deadline, () => admin.describeGroups(shardGroups));
    log(`group coordinator loaded on all ${offsetsTopic} ${GROUP_METADATA_TOPIC} partitions (${elapsed(step)})`);

    // 3. End to end, the way the apps use Kafka: an idempotent producer (its
    //    producer-id block comes from the controller and answers "loading" right
    //    after a start) writes with acks=all; a consumer in a throwaway group
    //    joins, reads that record, commits past it, and the commit reads back.
    step = Date.now();
    await ensureTopics(admin, [{ name: READINESS_TOPIC, partitions: 1 }], options, deadline, {
      'retention.ms': '600000',
      'segment.ms': '600000',
      'cleanup.policy': 'delete',
    });
    const marker = `probe-${runId}`;
    const offset = await until('idempotent producer write (acks=all)', deadline, () =>
      produceProbe(kafka, marker, deadline - Date.now()),
    );
    await until('consumer group join, fetch and commit', deadline, () =>
      consumeAndCommit(kafka, probeGroup, marker, deadline - Date.now()),
    );
    const committed = await until('committed offset read-back', deadline, async () => {
      const [topic] = await admin.fetchOffsets({ groupId: probeGroup, topics: [READINESS_TOPIC] });
      const value = topic?.partitions.find((p) => p.partition === 0)?.offset;
      if (value !== String(offset + 1n)) throw new Error(`committed offset reads back as ${value ?? 'nothing'}`);
      return value;
    });
    log(
      `idempotent write at offset ${offset}, group ${probeGroup} joined, read it and committed ${committed} (${elapsed(step)})`,
    );
    await admin.deleteGroups([probeGroup]).catch((error: unknown) => {
      log(`warning: could not delete probe group ${probeGroup}: ${describeError(error)}`);
    });
    log(`ready (${elapsed(started)})`);
  } finally {
    await admin.disconnect();
  }
};

const produceProbe = async (kafka: Kafka, marker: string, budgetMs: number): Promise<bigint> => {
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
    retry: { retries: 2, initialRetryTime: 100, maxRetryTime: 1_000 },
  });
  try {
    await withTimeout('idempotent producer connect', budgetMs, producer.connect());
    const [metadata] = await withTimeout(
      'acks=all write',
      budgetMs,
      producer.send({ topic: READINESS_TOPIC, acks: -1, messages: [{ key: marker, value: marker }] }),
    );
    if (!metadata || metadata.errorCode !== 0 || metadata.baseOffset === undefined) {
      throw new Error(`unexpected produce result ${JSON.stringify(metadata)}`);
    }
    return BigInt(metadata.baseOffset);
  } finally {
    await producer.disconnect();
  }
};

const consumeAndCommit = async (kafka: Kafka, groupId: string, marker: string, budgetMs: number): Promise<void> => {
  const consumer = kafka.consumer({
    groupId,
    sessionTimeout: 10_000,
    rebalanceTimeout: 10_000,
    heartbeatInterval: 1_000,
    // disconnect() waits for the in-flight long-poll fetch: keep it short.
    maxWaitTimeInMs: 100,
    allowAutoTopicCreation: false,
    retry: { retries: 2, initialRetryTime: 100, maxRetryTime: 1_000 },
  });
  try {
    let seen: (offset: string) => void = () => undefined;
    const found = new Promise<string>((resolve) => {
      seen = resolve;
    });
    const crashed = new Promise<never>((_, reject) => {
      consumer.on(consumer.events.CRASH, (event) => reject(event.payload.error));
    });
    await consumer.connect();
    await consumer.subscribe({ topics: [READINESS_TOPIC], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ message }) => {
        if (message.value?.toString() === marker) seen(message.offset);
      },
    });
    const offset = await withTimeout(`group ${groupId} reading the probe record`, budgetMs, Promise.race([found, crashed]));
    await consumer.commitOffsets([{ topic: READINESS_TOPIC, partition: 0, offset: String(BigInt(offset) + 1n) }]);
  } finally {
    await consumer.disconnect();
  }
};

const topicConfig = (options: Options, extra: Record<string, string>): ITopicConfig['configEntries'] => {
  const entries = Object.entries(extra).map(([name, value]) => ({ name, value }));
  if (options.minInsyncReplicas !== undefined) {
    entries.push({ name: 'min.insync.replicas', value: String(options.minInsyncReplicas) });
  }
  return entries;
};

/** Creates missing topics, reports (and with --grow-partitions fixes) partition counts that differ. */
const ensureTopics = async (
  admin: Admin,
  specs: ReadonlyArray<TopicSpec>,
  options: Options,
  deadline: number,
  extraConfig: Record<string, string> = {},
): Promise<{ created: string[]; existing: string[] }> => {
  const existingNames = new Set(await until('listing topics', deadline, () => admin.listTopics()));
  const missing = specs.filter((spec) => !existingNames.has(spec.name));
  const present = specs.filter((spec) => existingNames.has(spec.name));

  if (missing.length > 0) {
    await until('creating topics', deadline, async () => {
      // Another process may have created some meanwhile: kafkajs treats TOPIC_ALREADY_EXISTS as success.
      await admin.createTopics({
        waitForLeaders: true,
        timeout: Math.max(1_000, Math.min(30_000, deadline - Date.now())),
        topics: missing.map((spec) => ({
          topic: spec.name,
          numPartitions: spec.partitions,
          replicationFactor: options.replicationFactor,
          configEntries: topicConfig(options, { ...extraConfig, ...spec.config }),
        })),
      });
    });
  }

  if (present.length > 0) {
    const { topics } = await until('describing topics', deadline, () =>
      admin.fetchTopicMetadata({ topics: present.map((spec) => spec.name) }),
    );
    for (const spec of present) {
      const actual = topics.find((topic) => topic.name === spec.name)?.partitions.length ?? 0;
      if (actual === spec.partitions) continue;
      if (actual < spec.partitions && options.growPartitions) {
        log(`growing ${spec.name} from ${actual} to ${spec.partitions} partitions (keys move to new partitions)`);
        await admin.createPartitions({ topicPartitions: [{ topic: spec.name, count: spec.partitions }] });
      } else {
        log(
          `warning: ${spec.name} has ${actual} partitions, spec says ${spec.partitions}` +
            (actual < spec.partitions ? ' (rerun with --grow-partitions to grow it)' : ' (partitions cannot shrink; left as is)'),
        );
      }
    }
  }
  await alignTopicConfigs(admin, present, deadline);
  return { created: missing.map((spec) => spec.name), existing: present.map((spec) => spec.name) };
};

/**
 * Topics created before a spec gained a config entry get it now. kafkajs's
 * alterConfigs replaces a topic's whole set of dynamic configs, so the
 * current dynamic entries (an operator's retention, say) are sent along.
 */
const alignTopicConfigs = async (admin: Admin, specs: ReadonlyArray<TopicSpec>, deadline: number): Promise<void> => {
  const wanted = specs.filter((spec) => spec.config && Object.keys(spec.config).length > 0);
  if (wanted.length === 0) return;
  const { resources } = await until('describing topic configs', deadline, () =>
    admin.describeConfigs({ includeSynonyms: false, resources: wanted.map((spec) => ({ type: ConfigResourceTypes.TOPIC, name: spec.name })) }),
  );
  for (const spec of wanted) {
    const current = resources.find((r) => r.resourceName === spec.name)?.configEntries ?? [];
    // Raised, never lowered: a larger limit an operator set stays.
    const differs = Object.entries(spec.config ?? {}).filter(([name, value]) => {
      const actual = current.find((e) => e.configName === name)?.configValue;
      return actual === undefined || (/^\d+$/.test(value) && /^\d+$/.test(actual) ? Number(actual) < Number(value) : actual !== value);
    });
    if (differs.length === 0) continue;
    // configSource 1 = DYNAMIC_TOPIC_CONFIG: the entries set on this topic.
    const dynamic = Object.fromEntries(current.filter((e) => e.configSource === 1).map((e) => [e.configName, e.configValue]));
    const merged = { ...dynamic, ...spec.config };
    await until(`configuring ${spec.name}`, deadline, () =>
      admin.alterConfigs({
        validateOnly: false,
        resources: [{ type: ConfigResourceTypes.TOPIC, name: spec.name, configEntries: Object.entries(merged).map(([name, value]) => ({ name, value })) }],
      }),
    );
    log(`configured ${spec.name}: ${differs.map(([name, value]) => `${name}=${value}`).join(', ')}`);
  }
};

const createTopics = async (options: Options): Promise<void> => {
  const started = Date.now();
  const deadline = started + options.timeoutMs;
  const admin = await connectAdmin(kafkaFor(options), options, deadline);
  try {
    const specs = namespacedSpecs(options.topicPrefix);
    const { created, existing } = await ensureTopics(admin, specs, options, deadline);
    for (const name of created) {
      const spec = specs.find((s) => s.name === name);
      log(`created ${name} (${spec?.partitions} partitions, replication ${options.replicationFactor})`);
    }
    if (existing.length > 0) log(`already present: ${existing.join(', ')}`);
    log(`${specs.length} topics in place${options.topicPrefix ? ` under the prefix "${options.topicPrefix}"` : ''} (${elapsed(started)})`);
  } finally {
    await admin.disconnect();
  }
};

const createAcls = async (options: Options): Promise<void> => {
  const started = Date.now();
  const deadline = started + options.timeoutMs;
  const admin = await connectAdmin(kafkaFor(options), options, deadline);
  try {
    const acl = aclEntries(options.topicPrefix, options.principals);
    await until('creating ACLs', deadline, () => admin.createAcls({ acl }));
    for (const role of ACCESS_ROLES) {
      const mine = acl.filter((e) => e.principal === options.principals[role]);
      log(`${options.principals[role]} (${role}): ${mine.length} ACLs`);
    }
    log(`${acl.length} ACLs in place${options.topicPrefix ? ` under the prefix "${options.topicPrefix}"` : ''} (${elapsed(started)})`);
  } finally {
    await admin.disconnect();
  }
};

const listTopics = async (options: Options): Promise<void> => {
  const deadline = Date.now() + options.timeoutMs;
  const admin = await connectAdmin(kafkaFor(options), options, deadline, true);
  try {
    const names = (await admin.listTopics()).filter((name) => !name.startsWith('__')).sort();
    const { topics } = await admin.fetchTopicMetadata({ topics: names });
    for (const topic of topics.sort((a, b) => a.name.localeCompare(b.name))) {
      const replicas = topic.partitions[0]?.replicas.length ?? 0;
      process.stdout.write(`${topic.name}\tpartitions=${topic.partitions.length}\treplicas=${replicas}\n`);
    }
  } finally {
    await admin.disconnect();
  }
};

const USAGE = `usage: kafka-admin <wait-ready|create-topics|list-topics|create-acls> [--timeout-ms N] [--replication-factor N] [--grow-partitions]
  wait-ready     wait until the broker answers, every group-coordinator shard is loaded
                 and a consumer can join a group and commit an offset
  create-topics  create every topic of TopicSpecs that is missing (idempotent)
  list-topics    print each non-internal topic with its partition and replica counts
  create-acls    allow each role's principal exactly what the architecture needs (docs/security.md)
env: KAFKA_BROKERS (default 127.0.0.1:9092), KAFKA_CLIENT_ID, KAFKA_TOPIC_REPLICATION_FACTOR,
     KAFKA_TOPIC_MIN_INSYNC_REPLICAS, KAFKA_TOPIC_PREFIX, KAFKA_ADMIN_LOG_LEVEL, KAFKA_SECURITY_PROTOCOL,
     KAFKA_SASL_*, KAFKA_TLS_*, KAFKA_ACL_PRINCIPALS`;

export const main = async (argv: string[], env: NodeJS.ProcessEnv): Promise<number> => {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs(argv, env);
  } catch (error) {
    if (error instanceof UsageError) {
      log(error.message);
      process.stderr.write(`${USAGE}\n`);
      return 2;
    }
    throw error;
  }
  const { command, options } = parsed;
  const commands: Record<string, (options: Options) => Promise<void>> = {
    'wait-ready': waitReady,
    'create-topics': createTopics,
    'list-topics': listTopics,
    'create-acls': createAcls,
  };
  const run = commands[command];
  if (!run) {
    log(`unknown command "${command}"`);
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  try {
    await run(options);
    return 0;
  } catch (error) {
    log(`${command} failed against ${options.brokers.join(',')}: ${describeError(error)}`);
    return 1;
  }
};

/**
 * kafkajs 2.2.4 arms its request-queue timer with `throttledUntil - Date.now()`,
 * which is hugely negative when nothing is throttled; Node 24 then prints a
 * TimeoutNegativeWarning once per connection (the timer fires after 1 ms, as
 * kafkajs intends). Drop exactly that warning so real ones stay visible.
 */
const silenceKafkajsNegativeTimeoutWarning = (): void => {
  const emitWarning = process.emitWarning.bind(process) as (...args: unknown[]) => void;
  process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
    const type = typeof rest[0] === 'string' ? rest[0] : (rest[0] as { type?: string } | undefined)?.type;
    const name = warning instanceof Error ? warning.name : type;
    if (name === 'TimeoutNegativeWarning') return;
    emitWarning(warning, ...rest);
  }) as typeof process.emitWarning;
};

if (require.main === module) {
  silenceKafkajsNegativeTimeoutWarning();
  main(process.argv.slice(2), process.env).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      log(`unexpected failure: ${describeError(error)}`);
      process.exitCode = 1;
    },
  );
}
