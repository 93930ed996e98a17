// Prisma 6.19 offline: the JS engine through the pg driver adapter, so that
// generate / migrate deploy / migrate diff need no downloaded binary.
// Migrations run as the owner role (DATABASE_MIGRATION_URL: the migration Job,
// compose's migrate, scripts/lib/db.sh); DATABASE_URL only where no owner URL is
// set (e.g. `migrate diff` against a scratch server, see docs/database.md).
import { PrismaPg } from '@prisma/adapter-pg';
import { defineConfig } from 'prisma/config';

const url = process.env['DATABASE_MIGRATION_URL'] || process.env['DATABASE_URL'] || '';
// schema.prisma's datasource names env("DATABASE_URL"). The adapter below is what
// connects, but without that variable Prisma 6.19 falls back to downloading a
// native engine: where only DATABASE_MIGRATION_URL is set (the migration Job),
// this process's DATABASE_URL is the same URL.
process.env['DATABASE_URL'] ||= url;

export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  async adapter() {
    return new PrismaPg({ connectionString: url });
  },
});
