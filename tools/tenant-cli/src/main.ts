/**
 * wahooks tenant CLI: the same operations as the admin HTTP API, straight
 * against the database (for bootstrapping and break-glass use).
 *
 *   npm run tenants -- create acme --secret <app-secret> --verify-token <token> [--waba 123] [--phone 456] [--name "Acme"]
 *   npm run tenants -- list | show <id>
 *   npm run tenants -- add-secret <id> --secret <new> [--label rotation-2026-11]
 *   npm run tenants -- revoke-secret <id> <secretId>
 *   npm run tenants -- add-routes <id> [--waba 123] [--phone 456]
 *   npm run tenants -- set-verify-token <id> <token>
 *   npm run tenants -- disable <id> | enable <id>
 *   npm run tenants -- create-api-key <id> <name>
 *   npm run tenants -- revoke-api-key <id> <keyId>
 */
import 'reflect-metadata';

import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { parseArgs } from 'node:util';

import { ConfigModule, databaseSection, encryptionSection, loadConfigFromEnv, tenantDirectorySection } from '@wahooks/config';
import { PrismaModule } from '@wahooks/prisma';
import { TenancyError, TenancyModule, TenantAdminService } from '@wahooks/tenancy';

import { runCommand } from './commands';

async function main(): Promise<void> {
  // The registry (database) and the key that seals the tenants' app secrets; no admin token: it serves no API.
  const sections = [databaseSection, encryptionSection, tenantDirectorySection] as const;
  const config = loadConfigFromEnv(sections);
  @Module({ imports: [ConfigModule.forRoot(config, sections), PrismaModule, TenancyModule] })
  class CliModule {}
  const app = await NestFactory.createApplicationContext(CliModule, { logger: ['error'] });
  try {
    const { positionals, values } = parseArgs({
      allowPositionals: true,
      options: {
        secret: { type: 'string', multiple: true },
        'verify-token': { type: 'string' },
        waba: { type: 'string', multiple: true },
        phone: { type: 'string', multiple: true },
        name: { type: 'string' },
        label: { type: 'string' },
      },
    });
    const result = await runCommand(app.get(TenantAdminService), positionals, values);
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } finally {
    await app.close();
  }
}

main().catch((error: unknown) => {
  const code = error instanceof TenancyError ? `${error.code}: ` : '';
  process.stderr.write(`tenants: ${code}${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(error instanceof TenancyError ? 2 : 1);
});
