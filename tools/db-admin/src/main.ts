/**
 * The database's setup, as three idempotent steps (docs/database.md, "Roles and grants"):
 *
 *   ensure-database            creates the database when missing            DATABASE_ADMIN_URL (else DATABASE_URL)
 *   ensure-roles [--print-sql] creates or corrects the owner and app roles, DATABASE_ADMIN_URL (else DATABASE_URL)
 *                              the database's and schema's privileges, hands
 *                              every object to the owner, then grants
 *   grant [--check]            table privileges = tools/db-admin/src/grants.ts DATABASE_MIGRATION_URL (the owner)
 *                              (after every migration); --check only reports
 *   vacuum [--all] [--every S] VACUUM (ANALYZE) of the tables the apps update   DATABASE_MIGRATION_URL (the owner)
 *                              or delete, those past 1,000 dead tuples and 20%
 *                              of their live ones (--all: every one); --every:
 *                              again every S seconds until stopped
 *   url <who>                  prints the URL of owner | admin | <app> (from its own variable, else
 *                              the administrator's URL with the role as user: local development)
 *
 * Role passwords come from the roles' own URLs when set (DATABASE_MIGRATION_URL,
 * DATABASE_URL_INTAKE, ...: the Secret's values), so a password lives in one place.
 * No password (local trust authentication, or IAM/certificates) leaves the role's as it is.
 */
import { Client } from 'pg';

import { DATABASE_APPS, DatabaseApp, databaseUrlFor, databaseUrlVariable, DatabaseIdentity, isDatabaseApp, OWNER_ROLE, roleOf } from '@wahooks/config';

import { applyGrants, GrantPlan } from './grant';
import { allRoles, ident, rolesSql, setPasswordSql, verifierMatches } from './roles';
import { vacuumChurn } from './vacuum';

const env = process.env;
const out = (line: string): void => void process.stdout.write(`[db] ${line}\n`);

function databaseOf(url: string): string {
  const name = decodeURIComponent(new URL(url).pathname.replace(/^\//, ''));
  if (!/^[A-Za-z0-9_]+$/.test(name)) throw new Error(`refusing unusual database name "${name}"`);
  return name;
}

async function withClient<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

async function ensureDatabase(url: string): Promise<void> {
  const name = databaseOf(url);
  const admin = new URL(url);
  admin.pathname = '/postgres';
  await withClient(admin.toString(), async (client) => {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (rowCount === 0) {
      await client.query(`CREATE DATABASE ${ident(name)}`);
      out(`created database ${name}`);
    } else {
      out(`database ${name} exists`);
    }
  });
}

/** The passwords the roles' own URLs carry (user checked against the role), by role. */
function passwordsFromUrls(): Map<string, string> {
  const passwords = new Map<string, string>();
  for (const who of ['owner', ...DATABASE_APPS] as Array<'owner' | DatabaseApp>) {
    const variable = databaseUrlVariable(who);
    const value = env[variable];
    if (!value) continue;
    const url = new URL(value);
    const user = decodeURIComponent(url.username);
    if (user !== roleOf(who)) throw new Error(`${variable} connects as "${user}", but that connection's role is ${roleOf(who)}`);
    if (url.password) passwords.set(user, decodeURIComponent(url.password));
  }
  return passwords;
}

/** Statements that change pg_authid can collide with the same statement of a concurrent run (other databases on the server). */
const transient = (error: unknown): boolean =>
  /tuple concurrently (updated|deleted)/.test(String((error as Error).message)) || ['40001', '40P01'].includes(String((error as { code?: string }).code));

async function ensureRoles(url: string): Promise<void> {
  const passwords = passwordsFromUrls();
  await withClient(url, async (client) => {
    for (let attempt = 1; ; attempt++) {
      try {
        for (const statement of rolesSql(databaseOf(url))) await client.query(statement);
        break;
      } catch (error) {
        if (!transient(error) || attempt >= 5) throw error;
        await new Promise((r) => setTimeout(r, 100 * attempt));
      }
    }
    for (const [role, password] of passwords) {
      // Only a superuser may read pg_authid: elsewhere the password is simply set again.
      const stored = await client
        .query<{ rolpassword: string | null }>('SELECT rolpassword FROM pg_authid WHERE rolname = $1', [role])
        .then((r) => r.rows[0]?.rolpassword, () => undefined);
      if (verifierMatches(stored, password)) continue;
      await client.query(setPasswordSql(role, password));
      out(`set the password of ${role}`);
    }
    out(`roles ${allRoles().join(', ')} in place on ${databaseOf(url)}`);
    report(await applyGrants(client), false);
  });
}

/** Every change (applied, or found by --check), then what the grant table cannot fix. */
function report(plan: GrantPlan, check: boolean): void {
  for (const change of plan.changes) out(`${check ? 'differs' : 'grant'} ${change}`);
  for (const warning of plan.warnings) out(`warning: ${warning}`);
  if (plan.problems.length > 0) throw new Error(plan.problems.join('\n[db] '));
  if (plan.changes.length === 0) out('grants match tools/db-admin/src/grants.ts');
  else if (check) throw new Error(`${plan.changes.length} privileges differ from tools/db-admin/src/grants.ts (run db-admin grant)`);
  else out(`${plan.changes.length} grant changes applied`);
}

async function grant(url: string, check: boolean): Promise<void> {
  await withClient(url, async (client) => {
    const { rows } = await client.query<{ user: string; superuser: boolean }>(`SELECT current_user AS user, current_setting('is_superuser') = 'on' AS superuser`);
    if (!check && rows[0]?.user !== OWNER_ROLE && !rows[0]?.superuser) {
      throw new Error(`grant runs as the owner ${OWNER_ROLE} (DATABASE_MIGRATION_URL), not as ${rows[0]?.user}`);
    }
    report(await applyGrants(client, { check }), check);
  });
}

const USAGE = 'usage: db-admin ensure-database | ensure-roles [--print-sql] | grant [--check] | vacuum [--all] [--every <seconds>] | url <owner|admin|app>';

/** One vacuum round, one line per table vacuumed and one summary. */
async function vacuumOnce(url: string, force: boolean): Promise<void> {
  await withClient(url, async (client) => {
    const results = await vacuumChurn(client, { force });
    for (const r of results.filter((x) => x.vacuumed)) out(`vacuumed ${r.table}: ${r.dead} dead, ${r.live} live tuples before, ${r.ms} ms`);
    out(`vacuum: ${results.filter((r) => r.vacuumed).length} of ${results.length} tables were due`);
  });
}

async function vacuum(url: string, args: string[]): Promise<void> {
  const force = args.includes('--all');
  const i = args.indexOf('--every');
  const every = i >= 0 ? Number(args[i + 1]) : 0;
  if (i >= 0 && !(every > 0)) throw new Error(USAGE);
  if (!every) return vacuumOnce(url, force);
  let stopped = false;
  const stop = (): void => {
    stopped = true;
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  while (!stopped) {
    // A database that is away for a while (restart, failover) is tried again next round.
    await vacuumOnce(url, force).catch((error: unknown) => out(`vacuum round failed: ${error instanceof Error ? error.message : String(error)}`));
    for (let waited = 0; waited < every * 1000 && !stopped; waited += 500) await new Promise((r) => setTimeout(r, 500));
  }
}

async function main(): Promise<void> {
  const [command, arg] = process.argv.slice(2);
  switch (command) {
    case 'ensure-database':
      return ensureDatabase(databaseUrlFor('admin', env));
    case 'ensure-roles':
      if (arg === '--print-sql') {
        const sql = rolesSql(databaseOf(databaseUrlFor('admin', env)));
        process.stdout.write(`-- db-admin ensure-roles, as SQL (passwords: ALTER ROLE <role> PASSWORD '<password>')\n${sql.join(';\n\n')};\n`);
        return;
      }
      return ensureRoles(databaseUrlFor('admin', env));
    case 'grant':
      return grant(databaseUrlFor('owner', env), arg === '--check');
    case 'vacuum':
      return vacuum(databaseUrlFor('owner', env), process.argv.slice(3));
    case 'url': {
      const who = arg ?? '';
      if (who !== 'owner' && who !== 'admin' && !isDatabaseApp(who)) throw new Error(USAGE);
      process.stdout.write(`${databaseUrlFor(who as DatabaseIdentity, env)}\n`);
      return;
    }
    default:
      throw new Error(USAGE);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`[db] ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
