import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

const NO_IO = [
  { name: '@nestjs/*', message: 'contracts and domain libs stay framework-free' },
  { name: 'kafkajs', message: 'contracts and domain libs stay free of I/O clients' },
  { name: '@platformatic/kafka', message: 'contracts and domain libs stay free of I/O clients' },
  { name: '@prisma/*', message: 'contracts and domain libs stay free of I/O clients' },
  { name: 'pg', message: 'contracts and domain libs stay free of I/O clients' },
];

const DEP_CONSTRAINTS = [
            { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
            { sourceTag: 'scope:intake', onlyDependOnLibsWithTags: ['scope:intake', 'scope:shared'] },
            { sourceTag: 'scope:status', onlyDependOnLibsWithTags: ['scope:status', 'scope:shared'] },
            { sourceTag: 'scope:fallback', onlyDependOnLibsWithTags: ['scope:fallback', 'scope:shared'] },
            { sourceTag: 'scope:template', onlyDependOnLibsWithTags: ['scope:template', 'scope:shared'] },
            { sourceTag: 'scope:inbound', onlyDependOnLibsWithTags: ['scope:inbound', 'scope:shared'] },
            { sourceTag: 'type:contracts', onlyDependOnLibsWithTags: ['type:contracts'], bannedExternalImports: ['@nestjs/*', 'kafkajs', '@prisma/*', 'pg', 'nestjs-pino', 'prom-client'] },
            { sourceTag: 'type:domain', onlyDependOnLibsWithTags: ['type:domain', 'type:contracts'], bannedExternalImports: ['@nestjs/*', 'kafkajs', '@prisma/*', 'pg', 'nestjs-pino', 'prom-client'] },
            { sourceTag: 'type:util', onlyDependOnLibsWithTags: ['type:util', 'type:contracts'], bannedExternalImports: ['kafkajs', '@prisma/*', 'pg'] },
            { sourceTag: 'type:infra', onlyDependOnLibsWithTags: ['type:infra', 'type:util', 'type:contracts'], bannedExternalImports: ['@prisma/*'] },
            { sourceTag: 'type:data-access', onlyDependOnLibsWithTags: ['type:data-access', 'type:domain', 'type:contracts', 'type:util', 'type:infra'] },
            { sourceTag: 'type:feature', onlyDependOnLibsWithTags: ['type:feature', 'type:data-access', 'type:domain', 'type:contracts', 'type:util', 'type:infra'], bannedExternalImports: ['@prisma/*'] },
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:feature', 'type:data-access', 'type:domain', 'type:contracts', 'type:util', 'type:infra'] },
            { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['*'] },
];

// Tests may also use the testing lib (fixtures, plain Kafka readers).
const TEST_DEP_CONSTRAINTS = DEP_CONSTRAINTS.map((c) =>
  c.onlyDependOnLibsWithTags && c.sourceTag.startsWith('type:')
    ? { ...c, onlyDependOnLibsWithTags: [...c.onlyDependOnLibsWithTags, 'type:testing'] }
    : c,
);

export default [
  { ignores: ['coverage/**', '**/dist/**', '**/node_modules/**', '.tools/**', '.data/**', 'libs/shared/prisma/src/generated/**'] },
  ...nx.configs['flat/base'],
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: DEP_CONSTRAINTS,
        },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-properties': ['error', { object: 'process', property: 'env', message: 'read configuration through @wahooks/config' }],
    },
  },
  {
    // Kafka in one place: only the Kafka lib talks to a client package. The
    // test kit and the tools read and write topics with plain clients, on
    // purpose independent of the code under test.
    files: ['apps/**/*.ts', 'libs/**/*.ts'],
    ignores: ['libs/shared/kafka/**', 'libs/shared/testing/**', '**/*.spec.ts', '**/*.int-spec.ts', '**/test/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'kafkajs', message: 'use @wahooks/kafka (GroupConsumer, BatchingProducer, KafkaTopicAdmin): Kafka clients live in libs/shared/kafka only' },
            { name: '@platformatic/kafka', message: 'use @wahooks/kafka: Kafka clients live in libs/shared/kafka only' },
          ],
        },
      ],
    },
  },
  {
    files: ['libs/shared/meta-contract/**/*.ts', 'libs/shared/events-contract/**/*.ts', 'libs/**/domain/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: NO_IO.map(({ name, message }) => ({ name, message })), patterns: NO_IO.filter((n) => n.name.includes('*')).map(({ name, message }) => ({ group: [name], message })) }] },
  },
  {
    // The config loader is the one reader of process.env; the scripts' tools
    // and test/bench harnesses set up environments for child processes.
    files: ['libs/shared/config/**/*.ts', 'tools/**/*.ts', 'bench/**/*.ts', '**/*.spec.ts', '**/*.int-spec.ts', 'libs/shared/testing/**/*.ts', 'prisma.config.ts'],
    rules: { 'no-restricted-properties': 'off' },
  },
  {
    files: ['**/*.spec.ts', '**/*.int-spec.ts', '**/test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@nx/enforce-module-boundaries': ['error', { enforceBuildableLibDependency: false, allow: [], depConstraints: TEST_DEP_CONSTRAINTS }],
    },
  },
  {
    // The bench's pipeline suite drives the simulator (its traffic and oracle,
    // the apps as processes, the Meta-like sender): the one place that may
    // import that tool, and only through its index (its specs keep the test rules).
    files: ['bench/**/*.ts'],
    ignores: ['**/*.spec.ts', '**/*.int-spec.ts'],
    rules: { '@nx/enforce-module-boundaries': ['error', { enforceBuildableLibDependency: false, allow: ['@wahooks/simulator'], depConstraints: DEP_CONSTRAINTS }] },
  },
  {
    files: ['**/*.js', '**/*.cjs', '**/*.mjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // Outbound calls go through the egress agent (libs/shared/egress): a
    // fetch in app or lib code names its dispatcher, or uses OutboundHttp.
    files: ['apps/**/*.ts', 'libs/**/*.ts'],
    ignores: ['libs/shared/egress/**', 'libs/shared/testing/**', '**/*.spec.ts', '**/*.int-spec.ts', '**/test/**'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.name='fetch']:not(:has(Property[key.name='dispatcher']))",
          message: 'outbound calls go through the egress agent: OutboundHttp.fetch, or fetch(url, { dispatcher }) with its dispatcher (libs/shared/egress)',
        },
      ],
    },
  },
];
