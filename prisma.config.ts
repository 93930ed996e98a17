// Prisma 6.19 offline: the JS engine through the pg driver adapter, so that
// generate / migrate deploy / migrate diff need no downloaded binary.
// Migrations run as the owner role (DATABASE_MIGRATION_URL: the migration Job,
// compose's migrate, scripts/lib/db.sh); DATABASE_URL only where no owner URL is
// set (e.g. `migrate diff` against a scratch server, see docs/database.md).
import { PrismaPg } from '@prisma/adapter-pg';
import { defineConfig } from 'prisma/config';

export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  async adapter() {
    return new PrismaPg({ connectionString: process.env['DATABASE_MIGRATION_URL'] || process.env['DATABASE_URL'] || '' });
  },
});
