// Test tiers are named in the file: *.spec.ts (unit, no I/O) and
// *.int-spec.ts (against the real Kafka broker and Postgres started by scripts/test.sh).
const { compilerOptions } = require('./tsconfig.base.json');

const moduleNameMapper = Object.fromEntries(
  Object.entries(compilerOptions.paths).map(([alias, [target]]) => [
    `^${alias.replace('/', '\\/')}$`,
    `<rootDir>/${target}`,
  ]),
);

const swc = [
  '@swc/jest',
  {
    jsc: {
      target: 'es2023',
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      keepClassNames: true,
    },
    module: { type: 'commonjs' },
  },
];

const common = {
  rootDir: __dirname,
  transform: { '^.+\\.ts$': swc },
  moduleNameMapper,
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '/.tools/'],
  // confine-to-repository: a test that reads outside the repository fails (a plain clone must pass).
  setupFiles: ['reflect-metadata', '<rootDir>/test/jest/confine-to-repository.js'],
};

module.exports = {
  testTimeout: 120000,
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs,tools,bench,test}/**/*.spec.ts'] },
    {
      ...common,
      displayName: 'int',
      testMatch: ['<rootDir>/{apps,libs,tools,bench}/**/*.int-spec.ts'],
    },
  ],
};
