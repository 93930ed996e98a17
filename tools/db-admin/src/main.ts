/**
 * `ensure-database`: creates the database named in DATABASE_URL when it does
 * not exist yet (connecting to the server's `postgres` database), so a fresh
 * machine needs no psql. Migrations are applied afterwards by `prisma migrate deploy`.
 */
import { Client } from 'pg';


async function ensureDatabase(url: string): Promise<void> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.replace(/^\//, ''));
  if (!/^[A-Za-z0-9_]+$/.test(name)) throw new Error(`refusing unusual database name "${name}"`);
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (rowCount === 0) {
      await client.query(`CREATE DATABASE "${name}"`);
      process.stdout.write(`[db] created database ${name}\n`);
    } else {
      process.stdout.write(`[db] database ${name} exists\n`);
    }
  } finally {
    await client.end();
  }
}

async function main(): Promise<void> {
  const [command] = process.argv.slice(2);
  if (command !== 'ensure-database') throw new Error('usage: db-admin ensure-database');
  const url = process.env['DATABASE_URL'];
  if (!url) throw new Error('DATABASE_URL is required');
  await ensureDatabase(url);
}

main().catch((error: unknown) => {
  process.stderr.write(`[db] ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
