/**
 * `sslmode=verify-full&sslrootcert=<CA file>` against a real TLS server (a
 * throwaway one: the local test server has no TLS), through the apps' own
 * pool settings: it connects with the right CA, and fails at once, saying
 * why, with another CA, with a host name the certificate does not name, and
 * against a server without TLS. Then production's flow over it, with
 * passwords: ensure-roles sets each role's password from its URL, the owner
 * migrates through Prisma's adapter and grants, an app role connects with
 * its password and is refused with a wrong one.
 */
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';

import { Client, Pool } from 'pg';

import { APP_ROLES, OWNER_ROLE } from '@wahooks/config';
import { boundedPoolConfig } from '@wahooks/prisma';
import { freePort, testConfig, testDatabaseUrl } from '@wahooks/testing';

import { startTlsPostgres, TlsPostgres } from './tls-postgres.test-kit';

const ROOT = resolve(__dirname, '../../..');
const DB_ADMIN = resolve(ROOT, 'dist/tools/db-admin/src/main.js');
const PRISMA = resolve(ROOT, 'node_modules/prisma/build/index.js');
const PASSWORDS: Record<string, string> = { [OWNER_ROLE]: 'owner-pw-1', [APP_ROLES.intake]: 'intake-pw-1', [APP_ROLES['status-projector']]: 'status-pw-1' };

let server: TlsPostgres;

beforeAll(async () => {
  server = startTlsPostgres(await freePort());
}, 120_000);

afterAll(() => server?.stop());

/** A pool exactly as an app builds it from DATABASE_URL. */
async function query(url: string, sql: string): Promise<unknown[]> {
  const pool = new Pool(boundedPoolConfig(testConfig({ DATABASE_URL: url }).database));
  try {
    return (await pool.query(sql)).rows;
  } finally {
    await pool.end();
  }
}

async function failure(url: string): Promise<{ error: Error & { code?: string }; ms: number }> {
  const started = Date.now();
  try {
    await query(url, 'SELECT 1');
  } catch (error) {
    return { error: error as Error & { code?: string }, ms: Date.now() - started };
  }
  throw new Error(`connected to ${url}`);
}

describe('sslmode=verify-full with a CA file', () => {
  it('connects over TLS when the CA signed the server certificate for that host', async () => {
    const rows = await query(server.url('postgres'), `SELECT ssl, version FROM pg_stat_ssl WHERE pid = pg_backend_pid()`);
    expect(rows).toEqual([{ ssl: true, version: expect.stringMatching(/^TLSv1\.[23]$/) }]);
  });

  it('fails at once, naming the reason, when another CA is trusted', async () => {
    const { error, ms } = await failure(server.url('postgres', 'postgres', server.superuserPassword, server.otherCaFile));
    expect(error.code).toMatch(/^(SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_GET_ISSUER_CERT_LOCALLY|UNABLE_TO_VERIFY_LEAF_SIGNATURE)$/);
    expect(error.message).toMatch(/certificate/);
    expect(ms).toBeLessThan(3000);
  });

  it('fails at once when the certificate does not name the host connected to', async () => {
    const { error, ms } = await failure(server.url('postgres', 'postgres', server.superuserPassword, server.caFile, 'localhost'));
    expect(error).toMatchObject({ code: 'ERR_TLS_CERT_ALTNAME_INVALID', message: expect.stringMatching(/Hostname\/IP does not match certificate's altnames/) });
    expect(ms).toBeLessThan(3000);
  });

  it('fails at once against a server without TLS (the local test server)', async () => {
    const plain = new URL(testDatabaseUrl('admin'));
    plain.search = `?sslmode=verify-full&sslrootcert=${encodeURIComponent(server.caFile)}`;
    const { error, ms } = await failure(plain.toString());
    expect(error.message).toBe('The server does not support SSL connections');
    expect(ms).toBeLessThan(3000);
  });

  it('this server refuses a connection without TLS', async () => {
    const { error } = await failure(`postgresql://postgres:${server.superuserPassword}@127.0.0.1:${server.port}/postgres`);
    expect(error.message).toMatch(/pg_hba\.conf rejects connection .* no encryption/);
  });
});

describe('the roles with passwords, over verify-full', () => {
  const admin = () => server.url('wahooks');
  const roleUrl = (role: string, password = PASSWORDS[role]) => server.url('wahooks', role, password);
  /** The role URLs carry the passwords, as in the Kubernetes Secret. */
  const roleEnv = () => ({
    DATABASE_MIGRATION_URL: roleUrl(OWNER_ROLE),
    DATABASE_URL_INTAKE: roleUrl(APP_ROLES.intake),
    DATABASE_URL_STATUS_PROJECTOR: roleUrl(APP_ROLES['status-projector']),
  });
  const dbAdmin = (args: string[], env: Record<string, string>) =>
    execFileSync(process.execPath, [DB_ADMIN, ...args], { env: { PATH: process.env['PATH'] ?? '', ...env }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

  it('ensure-roles sets the passwords of the URLs once; the owner migrates and grants; the app role connects with its password only', async () => {
    dbAdmin(['ensure-database'], { DATABASE_ADMIN_URL: admin() });
    const first = dbAdmin(['ensure-roles'], { DATABASE_ADMIN_URL: admin(), ...roleEnv() });
    expect(first.match(/set the password of \w+/g)?.sort()).toEqual(Object.keys(PASSWORDS).map((r) => `set the password of ${r}`).sort());
    // Unchanged passwords are recognised (SCRAM verifiers compared), not set again.
    expect(dbAdmin(['ensure-roles'], { DATABASE_ADMIN_URL: admin(), ...roleEnv() })).not.toMatch(/set the password/);

    execFileSync(process.execPath, [PRISMA, 'migrate', 'deploy'], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_MIGRATION_URL: roleUrl(OWNER_ROLE), DATABASE_URL: '', NODE_OPTIONS: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    expect(dbAdmin(['grant'], { DATABASE_MIGRATION_URL: roleUrl(OWNER_ROLE) })).toMatch(/grant changes applied/);

    expect(await query(roleUrl(APP_ROLES['status-projector']), `SELECT current_user AS who, (SELECT count(*)::int FROM events) AS events`)).toEqual([
      { who: APP_ROLES['status-projector'], events: 0 },
    ]);
    const { error } = await failure(roleUrl(APP_ROLES.intake, 'not-the-password'));
    expect(error).toMatchObject({ code: '28P01', message: `password authentication failed for user "${APP_ROLES.intake}"` });
    // A role the URLs gave no password keeps none (trust, certificates or IAM authenticate it, or nothing does).
    expect(await query(admin(), `SELECT rolname, rolpassword IS NULL AS none FROM pg_authid WHERE rolname LIKE 'wahooks\\_%' ORDER BY 1`)).toEqual(
      [OWNER_ROLE, ...Object.values(APP_ROLES)].sort().map((rolname) => ({ rolname, none: !PASSWORDS[rolname] })),
    );
  });

  it('rotating a password: change it in the URL, run ensure-roles, the old one stops working', async () => {
    const rotated = { ...roleEnv(), DATABASE_URL_INTAKE: roleUrl(APP_ROLES.intake, 'intake-pw-2') };
    expect(dbAdmin(['ensure-roles'], { DATABASE_ADMIN_URL: admin(), ...rotated })).toMatch(`set the password of ${APP_ROLES.intake}`);
    expect(await query(roleUrl(APP_ROLES.intake, 'intake-pw-2'), 'SELECT current_user AS who')).toEqual([{ who: APP_ROLES.intake }]);
    expect((await failure(roleUrl(APP_ROLES.intake))).error).toMatchObject({ code: '28P01' });
    const client = new Client({ connectionString: roleUrl(APP_ROLES.intake, 'intake-pw-2') });
    await client.connect();
    await expect(client.query('SELECT 1 FROM events')).rejects.toThrow('permission denied for table events');
    await client.end();
  });
});
