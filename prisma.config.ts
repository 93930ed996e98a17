// Prisma 6.19 offline: the JS engine through the pg driver adapter, so that
// generate / migrate deploy / migrate diff need no downloaded binary.
import { PrismaPg } from '@prisma/adapter-pg';
import { defineConfig } from 'prisma/config';

export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  async adapter() {
    return new PrismaPg({ connectionString: process.env['DATABASE_URL'] ?? '' });
  },
});
