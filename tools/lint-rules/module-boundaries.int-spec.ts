import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

const ROOT = resolve(__dirname, '../..');

/** Lints `code` as if it lived at `file`, with the repository's real ESLint config. */
function lint(file: string, code: string): string[] {
  const run = spawnSync(process.execPath, [resolve(ROOT, 'node_modules/eslint/bin/eslint.js'), '--stdin', '--stdin-filename', file, '--format', 'json'], {
    cwd: ROOT,
    input: code,
    encoding: 'utf8',
    env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' },
  });
  const [report] = JSON.parse(run.stdout) as Array<{ messages: Array<{ ruleId: string | null; message: string }> }>;
  return (report?.messages ?? []).map((m) => `${m.ruleId}: ${m.message}`);
}

describe('module boundaries are enforced, not decorative', () => {
  it('forbids a contracts lib from importing NestJS or a feature lib', () => {
    const errors = lint(
      'libs/shared/events-contract/src/leak.ts',
      "import { Module } from '@nestjs/common';\nimport { TenantDirectory } from '@wahooks/tenancy';\nexport const x = [Module, TenantDirectory];\n",
    );
    expect(errors.some((e) => e.startsWith('@nx/enforce-module-boundaries'))).toBe(true);
    expect(errors.some((e) => e.includes('@nestjs/common'))).toBe(true);
  });

  it('forbids a shared lib from importing a service lib', () => {
    const errors = lint('libs/shared/kafka/src/leak.ts', "import { IntakeModule } from '@wahooks/intake-feature';\nexport const x = IntakeModule;\n");
    expect(errors.some((e) => e.startsWith('@nx/enforce-module-boundaries'))).toBe(true);
  });

  it('forbids reading process.env outside the config lib', () => {
    const errors = lint('libs/intake/feature/src/leak.ts', 'export const port = process.env.PORT;\n');
    expect(errors.some((e) => e.startsWith('no-restricted-properties'))).toBe(true);
  });

  it('keeps Kafka clients inside the Kafka lib', () => {
    for (const client of ['kafkajs', '@platformatic/kafka']) {
      const errors = lint('libs/status/feature/src/leak.ts', `import * as k from '${client}';\nexport const x = k;\n`);
      expect(errors.some((e) => e.startsWith('no-restricted-imports') && e.includes('libs/shared/kafka'))).toBe(true);
    }
    expect(lint('libs/shared/kafka/src/ok.ts', "import { Kafka } from 'kafkajs';\nexport const k = Kafka;\n")).toEqual([]);
  });

  it('keeps outbound calls behind the egress agent', () => {
    const bare = lint('libs/template/feature/src/leak.ts', "export const call = (url: string) => fetch(url, { method: 'POST' });\n");
    expect(bare.some((e) => e.startsWith('no-restricted-syntax') && e.includes('egress agent'))).toBe(true);
    expect(lint('libs/template/feature/src/ok.ts', "export const call = (url: string, dispatcher: never) => fetch(url, { method: 'POST', dispatcher });\n")).toEqual([]);
  });

  it('lets the bench import the simulator through its index, and nothing else', () => {
    const code = "import { Suite } from '@wahooks/simulator';\nexport const x = Suite;\n";
    expect(lint('bench/src/suites/ok.ts', code)).toEqual([]);
    for (const file of ['apps/intake/src/leak.ts', 'libs/shared/testing/src/leak.ts', 'tools/dlq-replay/src/leak.ts']) {
      expect({ file, errors: lint(file, code).filter((e) => e.startsWith('@nx/enforce-module-boundaries')).length > 0 }).toEqual({ file, errors: true });
    }
    const relative = lint('bench/src/suites/leak.ts', "import { Suite } from '../../../tools/simulator/src/suite';\nexport const x = Suite;\n");
    expect(relative.some((e) => e.startsWith('@nx/enforce-module-boundaries'))).toBe(true);
  });

  it('accepts an allowed import', () => {
    expect(lint('libs/intake/feature/src/ok.ts', "import { Topics } from '@wahooks/events-contract';\nexport const t = Topics.webhooksRaw;\n")).toEqual([]);
  });
});
