/**
 * The roles against a real Postgres. A scratch database goes through what
 * `npm test`, compose and the k8s Jobs do (ensure-database, ensure-roles,
 * `prisma migrate deploy` as the owner, grant), then:
 * - every app role holds exactly the grant table's privileges, probed with a
 *   real statement per table and privilege, and owns nothing;
 * - no app role can change history, even once the owner dropped the trigger:
 *   privileges stop it, not the trigger;
 * - each role runs what its service runs (append, read, checkpoint, rebuild,
 *   outbox relay; the tenant registry through Prisma);
 * - and the suite's own database matches the grant table.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';

import { Client } from 'pg';

import { APP_ROLES, DATABASE_APPS, DatabaseApp, OWNER_ROLE, withRole } from '@wahooks/config';
import { EventStore, NewEvent, rebuildProjection } from '@wahooks/event-store';
import { OutboxRepository } from '@wahooks/outbox';
import { DatabasePool, PrismaService, SqlTransactions, SqlTx } from '@wahooks/prisma';
import { TenantRepository } from '@wahooks/tenancy';
import { testConfig, testDatabaseUrl } from '@wahooks/testing';

import { TABLE_GRANTS } from './grants';
import { verifierMatches } from './roles';

const ROOT = resolve(__dirname, '../../..');
const DB_ADMIN = resolve(ROOT, 'dist/tools/db-admin/src/main.js');
const PRISMA = resolve(ROOT, 'node_modules/prisma/build/index.js');

const suiteAdmin = testDatabaseUrl('admin');
const scratchName = `${new URL(suiteAdmin).pathname.slice(1)}_lp_${randomBytes(3).toString('hex')}`.slice(0, 63);
const atDatabase = (url: string, database: string): string => Object.assign(new URL(url), { pathname: `/${database}` }).toString();
const scratchAdmin = atDatabase(suiteAdmin, scratchName);
const scratchUrl = (role: string): string => withRole(scratchAdmin, role);
const CONSUMERS = DATABASE_APPS.filter((a) => a !== 'intake');

/** The CLI exactly as the scripts run it, with nothing but the administrator's URL to go on. */
function dbAdmin(args: string[], database = scratchAdmin, extra: Record<string, string> = {}): string {
  const env: Record<string, string | undefined> = { ...process.env, DATABASE_URL: database, ...extra, NODE_OPTIONS: '' };
  for (const key of Object.keys(env)) if (/^DATABASE_(ADMIN|MIGRATION)_URL$|^DATABASE_URL_/.test(key) && !(key in extra)) delete env[key];
  return execFileSync(process.execPath, [DB_ADMIN, ...args], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

async function connect(url: string): Promise<Client> {
  const client = new Client({ connectionString: url });
  await client.connect();
  return client;
}

/** Runs `sql` in a transaction that is rolled back: 'ok', or the error's SQLSTATE and message. */
async function attempt(client: Client, sql: string, params: unknown[] = []): Promise<{ code: string; message: string }> {
  await client.query('BEGIN');
  try {
    await client.query(sql, params);
    return { code: 'ok', message: '' };
  } catch (error) {
    return { code: String((error as { code?: string }).code), message: (error as Error).message };
  } finally {
    await client.query('ROLLBACK');
  }
}

const clients: Client[] = [];
let admin: Client;
let owner: Client;
const roleClients = new Map<DatabaseApp, Client>();

beforeAll(async () => {
  dbAdmin(['ensure-database']);
  dbAdmin(['ensure-roles']);
  execFileSync(process.execPath, [PRISMA, 'migrate', 'deploy'], {
    cwd: ROOT,
    // DATABASE_URL leads nowhere: the migration must connect as the owner.
    env: { ...process.env, DATABASE_MIGRATION_URL: scratchUrl(OWNER_ROLE), DATABASE_URL: 'postgresql://nobody@127.0.0.1:1/unused', NODE_OPTIONS: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  dbAdmin(['grant'], scratchAdmin, { DATABASE_MIGRATION_URL: scratchUrl(OWNER_ROLE) });
  admin = await connect(scratchAdmin);
  owner = await connect(scratchUrl(OWNER_ROLE));
  clients.push(admin, owner);
  for (const app of DATABASE_APPS) {
    const client = await connect(scratchUrl(APP_ROLES[app]));
    roleClients.set(app, client);
    clients.push(client);
  }
}, 180_000);

afterAll(async () => {
  await Promise.all(clients.map((c) => c.end().catch(() => undefined)));
  const server = await connect(atDatabase(suiteAdmin, 'postgres'));
  await server.query(`DROP DATABASE IF EXISTS "${scratchName}" WITH (FORCE)`);
  await server.end();
});

const as = (app: DatabaseApp): Client => roleClients.get(app) as Client;

describe('the roles on a freshly migrated database', () => {
  it('grant --check finds the database equal to the grant table', () => {
    expect(dbAdmin(['grant', '--check'])).toContain('grants match tools/db-admin/src/grants.ts');
  });

  it('the owner owns the schema and every object in it; the app roles own nothing and hold no attribute or membership', async () => {
    const owners = await admin.query<{ owner: string; n: number }>(
      `SELECT relowner::regrole::text AS owner, count(*)::int AS n FROM pg_class WHERE relnamespace = 'public'::regnamespace GROUP BY 1
       UNION ALL SELECT proowner::regrole::text, count(*)::int FROM pg_proc WHERE pronamespace = 'public'::regnamespace GROUP BY 1
       UNION ALL SELECT nspowner::regrole::text, 1 FROM pg_namespace WHERE nspname = 'public'`,
    );
    expect(new Set(owners.rows.map((r) => r.owner))).toEqual(new Set([OWNER_ROLE]));

    const roles = await admin.query(
      `SELECT rolname, rolcanlogin, rolsuper, rolcreatedb, rolcreaterole, rolreplication, rolbypassrls,
              (SELECT count(*)::int FROM pg_auth_members m WHERE m.member = r.oid) AS memberships,
              has_database_privilege(rolname, current_database(), 'CREATE') AS create_schema,
              has_database_privilege(rolname, current_database(), 'TEMPORARY') AS temp,
              has_schema_privilege(rolname, 'public', 'CREATE') AS create_table,
              has_schema_privilege(rolname, 'public', 'USAGE') AS use_schema
       FROM pg_roles r WHERE rolname = ANY($1) ORDER BY rolname`,
      [Object.values(APP_ROLES)],
    );
    const expected = { rolcanlogin: true, rolsuper: false, rolcreatedb: false, rolcreaterole: false, rolreplication: false, rolbypassrls: false, memberships: 0, create_schema: false, temp: false, create_table: false, use_schema: true };
    expect(roles.rows).toEqual(Object.values(APP_ROLES).sort().map((rolname) => ({ rolname, ...expected })));
    expect(
      (await admin.query(`SELECT has_database_privilege('public', current_database(), 'CONNECT') AS c, has_schema_privilege('public', 'public', 'USAGE') AS u`)).rows[0],
    ).toEqual({ c: false, u: false });
  });

  it.each(DATABASE_APPS)('%s holds exactly the privileges of the grant table, statement by statement', async (app) => {
    const tables = await admin.query<{ table: string; col: string; seq: string | null }>(
      `SELECT c.relname AS table,
              (SELECT quote_ident(attname) FROM pg_attribute WHERE attrelid = c.oid AND attnum > 0 AND NOT attisdropped ORDER BY attnum LIMIT 1) AS col,
              (SELECT s.relname FROM pg_depend d JOIN pg_class s ON s.oid = d.objid
                WHERE d.refobjid = c.oid AND d.classid = 'pg_class'::regclass AND d.deptype IN ('a', 'i') AND s.relkind = 'S' LIMIT 1) AS seq
       FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r' ORDER BY 1`,
    );
    expect(tables.rows.map((t) => t.table)).toEqual(Object.keys(TABLE_GRANTS).sort());
    const client = as(app);
    const observed: Record<string, string> = {};
    const expected: Record<string, string> = {};
    for (const { table, col, seq } of tables.rows) {
      const t = `"${table}"`;
      const probes: Array<[string, string]> = [
        ['S', `SELECT * FROM ${t} LIMIT 0`],
        ['I', `INSERT INTO ${t} SELECT (NULL::${t}).* WHERE false`],
        ['U', `UPDATE ${t} SET ${col} = ${col} WHERE false`],
        ['D', `DELETE FROM ${t} WHERE false`],
        ['T', `TRUNCATE ${t}`],
      ];
      let letters = '';
      for (const [letter, sql] of probes) {
        const result = await attempt(client, sql);
        if (result.code === 'ok') letters += letter;
        else expect([table, letter, result.code]).toEqual([table, letter, '42501']); // refused by privilege, nothing else
      }
      // The serial column's sequence: usable exactly by the roles that insert.
      if (seq) {
        const next = await attempt(client, `SELECT nextval('"${seq}"')`);
        expect([table, seq, next.code === 'ok']).toEqual([table, seq, letters.includes('I')]);
      }
      observed[table] = letters;
      expected[table] = TABLE_GRANTS[table]?.grants[app] ?? '';
    }
    expect(observed).toEqual(expected);
  });
});

describe('history cannot be changed by an app role', () => {
  const tenant = `lp-${randomBytes(4).toString('hex')}`;
  const stored = async () => (await owner.query(`SELECT stream_position, type, data FROM events WHERE tenant_id = $1 ORDER BY 1`, [tenant])).rows;

  beforeAll(async () => {
    await as('status-projector').query(
      `INSERT INTO events (tenant_id, stream_id, stream_position, type, schema_version, data, idempotency_key) VALUES ($1, 's', 1, 'test.happened', 1, '{"n": 1}', 'k1')`,
      [tenant],
    );
  });

  it.each(DATABASE_APPS)('%s: no UPDATE, DELETE, TRUNCATE, MERGE; no trigger disabled or dropped; no way around it', async (app) => {
    const client = as(app);
    const self = APP_ROLES[app];
    const refusals: Array<[string, RegExp]> = [
      [`UPDATE events SET type = 'rewritten' WHERE tenant_id = '${tenant}'`, /permission denied for table events/],
      [`DELETE FROM events WHERE tenant_id = '${tenant}'`, /permission denied for table events/],
      ['TRUNCATE events', /permission denied for table events/],
      [`MERGE INTO events e USING (SELECT '${tenant}'::text AS t) s ON e.tenant_id = s.t WHEN MATCHED THEN UPDATE SET type = 'x'`, /permission denied for table events/],
      ['ALTER TABLE events DISABLE TRIGGER events_append_only', /must be owner of table events/],
      ['ALTER TABLE events DISABLE TRIGGER ALL', /must be owner of table events/],
      ['DROP TRIGGER events_append_only ON events', /must be owner of (table|relation) events/],
      [`ALTER TABLE events OWNER TO ${self}`, /must be owner of table events/],
      ["SET session_replication_role = 'replica'", /permission denied to set parameter "session_replication_role"/],
      [`SET ROLE ${OWNER_ROLE}`, /permission denied to set role "wahooks_owner"/],
      ['CREATE TABLE events_copy (LIKE events)', /permission denied for schema public/],
      ['CREATE TEMP TABLE scratch (x int)', /permission denied to create temporary tables/],
      ['CREATE SCHEMA mine', /permission denied for database/],
    ];
    for (const [sql, message] of refusals) {
      const result = await attempt(client, sql);
      expect([sql, result.code, result.message]).toEqual([sql, '42501', expect.stringMatching(message)]);
    }
    // GRANT without the grant option changes nothing (a warning, or an error with no privilege at all).
    await client.query('GRANT UPDATE, DELETE, TRUNCATE ON events TO PUBLIC').catch(() => undefined);
    const granted = await admin.query(
      `SELECT has_table_privilege($1, 'events', 'UPDATE') OR has_table_privilege($1, 'events', 'DELETE') OR has_table_privilege($1, 'events', 'TRUNCATE') AS any`,
      [self],
    );
    expect(granted.rows[0]).toEqual({ any: false });
    expect(await stored()).toEqual([{ stream_position: 1, type: 'test.happened', data: { n: 1 } }]);
  });

  it('even with the trigger dropped by the owner, privileges refuse every change to a stored event', async () => {
    await owner.query('DROP TRIGGER events_append_only ON events');
    try {
      // The trigger is really gone: the owner could now rewrite history (rolled back).
      expect(await attempt(owner, `UPDATE events SET type = 'rewritten' WHERE tenant_id = $1`, [tenant])).toEqual({ code: 'ok', message: '' });
      for (const app of DATABASE_APPS) {
        for (const sql of [`UPDATE events SET type = 'rewritten' WHERE tenant_id = $1`, `DELETE FROM events WHERE tenant_id = $1`, 'TRUNCATE events']) {
          const result = await attempt(as(app), sql, sql.includes('$1') ? [tenant] : []);
          expect([app, sql, result.code, result.message]).toEqual([app, sql, '42501', 'permission denied for table events']);
        }
      }
      expect(await stored()).toEqual([{ stream_position: 1, type: 'test.happened', data: { n: 1 } }]);
    } finally {
      await owner.query(
        `CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON events FOR EACH STATEMENT EXECUTE FUNCTION events_refuse_change()`,
      );
    }
  });
});

describe('each role runs what its service runs', () => {
  const pools: DatabasePool[] = [];
  const engine = (app: DatabaseApp): SqlTransactions => {
    const pool = new DatabasePool(testConfig({ DATABASE_URL: scratchUrl(APP_ROLES[app]) }, app).database);
    pools.push(pool);
    return new SqlTransactions(pool);
  };
  afterAll(() => Promise.all(pools.map((p) => p.onApplicationShutdown())));

  const events = (tenantId: string, n: number): NewEvent[] =>
    Array.from({ length: n }, (_, i) => ({ tenantId, streamId: `s-${i % 2}`, type: 'test.happened', schemaVersion: 1, data: { i }, idempotencyKey: `k-${i}` }));

  it.each(CONSUMERS)('%s: appends, reads, settles, checkpoints, rebuilds its projection, relays its outbox', async (app) => {
    const sql = engine(app);
    const store = new EventStore();
    const tenantId = `lp-${app}-${randomBytes(3).toString('hex')}`;
    const appended = await sql.run((tx) => store.appendBatch(tx, events(tenantId, 4)));
    expect(appended.appended).toHaveLength(4);
    // Idempotent replay: the duplicates are found, nothing is written.
    expect((await sql.run((tx) => store.appendBatch(tx, events(tenantId, 4)))).duplicates).toHaveLength(4);
    expect(await sql.run((tx) => store.readStream(tx, tenantId, 's-0'))).toHaveLength(2);
    expect(await sql.run((tx) => store.readAll(tx, { afterPosition: 0n, limit: 100, tenantId }))).toHaveLength(4);

    // A rebuild: settle, truncate the service's projection table, read everything, save the checkpoint.
    const projection = Object.entries(TABLE_GRANTS).find(([, e]) => e.grants[app]?.includes('T'))?.[0] as string;
    const rebuilt = await rebuildProjection<SqlTx>(store, sql, {
      checkpoint: `lp-${app}`,
      truncate: async (tx) => void (await tx.$executeRawUnsafe(`TRUNCATE "${projection}"`)),
      select: (e) => e.tenantId === tenantId,
      apply: async () => undefined,
    });
    expect(rebuilt.events).toBe(4);
    expect(await sql.run((tx) => store.getCheckpoint(tx, `lp-${app}`))).toBe(BigInt(rebuilt.lastPosition));

    const outbox = new OutboxRepository(sql);
    await sql.run((tx) =>
      outbox.add(tx, ['a', 'b', 'c'].map((k) => ({ tenantId, topic: 't', key: k, payload: { k }, idempotencyKey: `${tenantId}-${k}` }))),
    );
    let claimed: bigint[] = [];
    const outcome = await outbox.relay(100, async (rows) => {
      claimed = rows.filter((r) => r.tenantId === tenantId).map((r) => r.id);
      return { published: claimed.slice(0, 2), parked: [{ id: claimed[2] as bigint, reason: 'too large' }] };
    });
    expect(outcome.published).toHaveLength(2);
    const left = await owner.query(`SELECT (SELECT count(*)::int FROM outbox WHERE tenant_id = $1) AS pending, (SELECT count(*)::int FROM outbox_parked WHERE tenant_id = $1) AS parked`, [tenantId]);
    expect(left.rows[0]).toEqual({ pending: 0, parked: 1 });
    expect(await outbox.parkedCount()).toBeGreaterThanOrEqual(1);
  });

  it('intake: the tenant registry through Prisma (create, secrets, routes, API keys, snapshot); a consumer: keys and existence, never the secrets', async () => {
    const intakePool = new DatabasePool(testConfig({ DATABASE_URL: scratchUrl(APP_ROLES.intake) }, 'intake').database);
    const consumerPool = new DatabasePool(testConfig({ DATABASE_URL: scratchUrl(APP_ROLES['template-monitor']) }, 'template-monitor').database);
    pools.push(intakePool, consumerPool);
    const intake = new TenantRepository(new PrismaService(intakePool));
    const consumer = new TenantRepository(new PrismaService(consumerPool));
    const id = `lp-${randomBytes(4).toString('hex')}`;
    const ciphertext = new Uint8Array(Buffer.from('sealed'));
    await intake.create({ id, name: id, verifyTokenHash: 'h', secrets: [{ label: 'initial-1', ciphertext }], wabaIds: [`${id}-w`], phoneNumberIds: [`${id}-p`] });
    const secretId = await intake.addSecret(id, 'rotation', ciphertext);
    await intake.revokeSecret(id, secretId);
    await intake.addRoutes(id, [`${id}-w2`], []);
    await intake.update(id, { name: 'renamed', disabled: false });
    const keyId = await intake.createApiKey(id, 'crm', `${id}-prefix`, 'hash');
    expect((await intake.findAll()).find((t) => t.id === id)?.appSecrets).toHaveLength(2);

    expect(await consumer.findActiveApiKey(`${id}-prefix`)).toEqual({ tenantId: id, secretHash: 'hash' });
    expect(await consumer.exists(id)).toBe(true);
    await expect(consumer.findAll()).rejects.toThrow(/tenant_app_secrets|permission denied/);
    await intake.revokeApiKey(id, keyId);
    expect(await consumer.findActiveApiKey(`${id}-prefix`)).toBeNull();
  });
});

describe('the suite\'s own database', () => {
  it('matches the grant table (migrate_db ran ensure-roles and grant after the last migration)', () => {
    expect(dbAdmin(['grant', '--check'], suiteAdmin)).toContain('grants match tools/db-admin/src/grants.ts');
  });
});

describe('passwords', () => {
  it('a SCRAM verifier computed by Postgres is recognised by ensure-roles, so an unchanged password is not set again', async () => {
    const probe = `wahooks_scram_probe_${randomBytes(3).toString('hex')}`;
    await admin.query(`SET password_encryption = 'scram-sha-256'`);
    await admin.query(`CREATE ROLE ${probe} PASSWORD 'correct-horse-battery-staple'`);
    try {
      const { rows } = await admin.query<{ rolpassword: string }>('SELECT rolpassword FROM pg_authid WHERE rolname = $1', [probe]);
      expect(verifierMatches(rows[0]?.rolpassword, 'correct-horse-battery-staple')).toBe(true);
      expect(verifierMatches(rows[0]?.rolpassword, 'correct-horse-battery-stapler')).toBe(false);
    } finally {
      await admin.query(`DROP ROLE ${probe}`);
    }
  });
});
