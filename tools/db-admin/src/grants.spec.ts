import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

import { APP_ROLES, DATABASE_APPS, OWNER_ROLE } from '@wahooks/config';

import { planGrants, RelationAcl } from './grant';
import { desiredTablePrivileges, privilegesOf, TABLE_GRANTS } from './grants';
import { rolesSql, scramVerifier, verifierMatches } from './roles';

const ROOT = resolve(__dirname, '../../..');

/** The tables the migrations leave behind: every CREATE TABLE not dropped later, plus Prisma's own history table. */
function migratedTables(): string[] {
  const dir = join(ROOT, 'prisma/migrations');
  const tables = new Set<string>(['_prisma_migrations']);
  for (const migration of readdirSync(dir).filter((d) => /^\d+_/.test(d)).sort()) {
    const sql = readFileSync(join(dir, migration, 'migration.sql'), 'utf8');
    for (const [, verb, name] of sql.matchAll(/\b(CREATE|DROP) TABLE (?:IF (?:NOT )?EXISTS )?(?:"?public"?\.)?"?([A-Za-z0-9_]+)"?/g)) {
      if (verb === 'CREATE') tables.add(name as string);
      else tables.delete(name as string);
    }
    for (const [, from, to] of sql.matchAll(/ALTER TABLE "?([A-Za-z0-9_]+)"? RENAME TO "?([A-Za-z0-9_]+)"?/g)) {
      tables.delete(from as string);
      tables.add(to as string);
    }
  }
  return [...tables].sort();
}

const schemaTables = (): string[] =>
  [...readFileSync(join(ROOT, 'prisma/schema.prisma'), 'utf8').matchAll(/@@map\("([^"]+)"\)/g)].map((m) => m[1] as string).sort();

describe('the grant table', () => {
  it('lists every table the migrations create, and nothing else: a new table needs an entry saying who may use it', () => {
    expect(Object.keys(TABLE_GRANTS).sort()).toEqual(migratedTables());
    expect(schemaTables().filter((t) => !TABLE_GRANTS[t])).toEqual([]);
  });

  it('is what docs/database.md shows', () => {
    const doc = readFileSync(join(ROOT, 'docs/database.md'), 'utf8');
    const rows = [...doc.matchAll(/^\| `([a-z_]+)` \| ([^|]+)\| ([^|]+)\| ([^|]+)\| ([^|]+)\| ([^|]+)\|/gm)].map((m) => [
      m[1],
      ...m.slice(2, 7).map((cell) => (cell as string).trim().replace('–', '')),
    ]);
    const apps = ['intake', 'status-projector', 'fallback-trigger', 'template-monitor', 'inbound-reply'] as const;
    expect(rows).toEqual(Object.entries(TABLE_GRANTS).map(([table, entry]) => [table, ...apps.map((app) => entry.grants[app] ?? '')]));
  });

  it('names only known apps and valid letters, each with a reason', () => {
    for (const [table, entry] of Object.entries(TABLE_GRANTS)) {
      for (const [app, letters] of Object.entries(entry.grants)) {
        expect([table, DATABASE_APPS]).toEqual([table, expect.arrayContaining([app])]);
        expect(() => privilegesOf(letters ?? '')).not.toThrow();
        expect([table, app, letters]).not.toEqual([table, app, '']);
      }
      expect(entry.why.length).toBeGreaterThan(10);
    }
    expect(() => privilegesOf('IS')).toThrow(/some of SIUDT, in that order/);
  });

  it('keeps events append-only by privilege: SELECT and INSERT, for the consumers only', () => {
    const events = desiredTablePrivileges('events');
    expect([...events.keys()].sort()).toEqual(['fallback-trigger', 'inbound-reply', 'status-projector', 'template-monitor']);
    for (const privileges of events.values()) expect(privileges).toEqual(['SELECT', 'INSERT']);
  });

  it('keeps the intake to the tenant registry, and the Meta app secrets to the intake', () => {
    for (const [table, entry] of Object.entries(TABLE_GRANTS)) {
      if (!table.startsWith('tenant')) expect([table, entry.grants.intake]).toEqual([table, undefined]);
      else for (const app of DATABASE_APPS.filter((a) => a !== 'intake')) expect([table, app, entry.grants[app] ?? 'S']).toEqual([table, app, 'S']);
    }
    expect(Object.keys(TABLE_GRANTS['tenant_app_secrets']?.grants ?? {})).toEqual(['intake']);
  });

  it('lets a role write only its own service\'s tables, the shared event store and outbox apart', () => {
    const shared = new Set(['events', 'event_streams', 'projection_checkpoints', 'outbox', 'outbox_parked']);
    const prefixes: Record<string, RegExp> = {
      intake: /^tenant/,
      'status-projector': /^message_status$/,
      'fallback-trigger': /^(fallback_|marketing_)/,
      'template-monitor': /^(template_|waba_|monitor_|alert_)/,
      'inbound-reply': /^inbound_/,
    };
    for (const [table, entry] of Object.entries(TABLE_GRANTS)) {
      if (shared.has(table)) continue;
      for (const [app, letters] of Object.entries(entry.grants)) {
        if (letters !== 'S') expect([table, app, prefixes[app]?.test(table)]).toEqual([table, app, true]);
      }
    }
  });
});

describe('planGrants', () => {
  const table = (name: string, acl: Record<string, string[]> = {}, owner = OWNER_ROLE): RelationAcl => ({ name, kind: 'table', owner, ownedBy: null, acl });
  const status = APP_ROLES['status-projector'];
  const intake = APP_ROLES.intake;

  it('grants what is missing and revokes what the table does not list, from the app roles and PUBLIC', () => {
    const plan = planGrants([table('events', { [status]: ['SELECT', 'UPDATE'], [intake]: ['SELECT'], PUBLIC: ['SELECT'], dba_reporting: ['SELECT'] })]);
    expect(plan.problems).toEqual([]);
    expect(plan.statements).toEqual(
      expect.arrayContaining([
        `GRANT INSERT ON TABLE "public"."events" TO "${status}"`,
        `REVOKE UPDATE ON TABLE "public"."events" FROM "${status}"`,
        `REVOKE SELECT ON TABLE "public"."events" FROM "${intake}"`,
        'REVOKE SELECT ON TABLE "public"."events" FROM PUBLIC',
      ]),
    );
    // A role the grant table does not manage is left alone.
    expect(plan.statements.join('\n')).not.toMatch(/dba_reporting/);
  });

  it('changes nothing when the database already matches', () => {
    const acl = Object.fromEntries([...desiredTablePrivileges('outbox')].map(([app, p]) => [APP_ROLES[app], p]));
    expect(planGrants([table('outbox', acl)])).toEqual({ statements: [], changes: [], problems: [], warnings: [] });
  });

  it('gives a serial column\'s sequence USAGE to the roles that INSERT into its table, and nothing else', () => {
    const plan = planGrants([{ name: 'outbox_id_seq', kind: 'sequence', owner: OWNER_ROLE, ownedBy: 'outbox', acl: { [intake]: ['USAGE'], [status]: ['SELECT'] } }]);
    expect(plan.statements).toEqual(
      expect.arrayContaining([
        `GRANT USAGE ON SEQUENCE "public"."outbox_id_seq" TO "${status}"`,
        `REVOKE SELECT ON SEQUENCE "public"."outbox_id_seq" FROM "${status}"`,
        `REVOKE USAGE ON SEQUENCE "public"."outbox_id_seq" FROM "${intake}"`,
      ]),
    );
  });

  it('refuses an app role owning anything and a listed table the owner does not own', () => {
    const plan = planGrants([table('events', {}, 'postgres'), table('outbox', {}, status)]);
    expect(plan.statements).toEqual([]);
    expect(plan.problems.join('\n')).toMatch(/table events is owned by postgres, not wahooks_owner: run db-admin ensure-roles as an administrator/);
    expect(plan.problems.join('\n')).toMatch(/table outbox is owned by the app role wahooks_status_projector: app roles must own nothing/);
  });

  it('gives the app roles nothing on a table or sequence it does not list, with a warning, and leaves another owner\'s alone', () => {
    const plan = planGrants([
      table('bench_plain_events', { [status]: ['SELECT'], PUBLIC: ['SELECT'] }),
      table('scratch_copy', { [status]: ['SELECT'] }, 'postgres'),
      { name: 'loose_seq', kind: 'sequence', owner: OWNER_ROLE, ownedBy: null, acl: {} },
    ]);
    expect(plan.problems).toEqual([]);
    expect(plan.statements).toEqual([
      `REVOKE SELECT ON TABLE "public"."bench_plain_events" FROM PUBLIC`,
      `REVOKE SELECT ON TABLE "public"."bench_plain_events" FROM "${status}"`,
    ]);
    expect(plan.warnings).toEqual([
      'table bench_plain_events is not in the grant table: no app role gets anything on it (if a migration created it, add it to tools/db-admin/src/grants.ts)',
      'sequence loose_seq is not in the grant table: no app role gets anything on it',
      'table scratch_copy is not in the grant table: owned by postgres, its privileges are left as they are (if a migration created it, add it to tools/db-admin/src/grants.ts)',
    ]);
  });
});

describe('ensure-roles SQL', () => {
  const sql = rolesSql('wahooks').join(';\n');

  it('creates every role with LOGIN only and strips any other attribute or membership', () => {
    for (const role of [OWNER_ROLE, ...Object.values(APP_ROLES)]) {
      expect(sql).toContain(`CREATE ROLE "${role}" LOGIN`);
      expect(sql).toContain(`IF r.rolsuper THEN ALTER ROLE "${role}" NOSUPERUSER`);
      expect(sql).toContain(`EXECUTE format('REVOKE %I FROM %I', m.rolname, '${role}')`);
    }
    expect(sql.match(/CREATE ROLE [^;]*/g)).toEqual([OWNER_ROLE, ...Object.values(APP_ROLES)].map((r) => `CREATE ROLE "${r}" LOGIN`));
  });

  it('closes the database and the schema to everyone but the roles, and gives the schema to the owner', () => {
    expect(sql).toContain('REVOKE ALL ON DATABASE "wahooks" FROM PUBLIC');
    expect(sql).toContain(`GRANT CONNECT ON DATABASE "wahooks" TO ${Object.values(APP_ROLES).map((r) => `"${r}"`).join(', ')}`);
    expect(sql).toContain('REVOKE ALL ON SCHEMA "public" FROM PUBLIC');
    expect(sql).toContain(`ALTER SCHEMA "public" OWNER TO "${OWNER_ROLE}"`);
    expect(sql).not.toMatch(/GRANT (CREATE|ALL)[^;]*ON SCHEMA/);
  });

  it('refuses a database name it would have to quote', () => {
    expect(() => rolesSql('wahooks"; DROP')).toThrow(/unusual identifier/);
  });
});

describe('SCRAM-SHA-256 verifiers', () => {
  it('are what Postgres stores, and recognise their own password only', () => {
    const verifier = scramVerifier('pencil', Buffer.from('W22ZaJ0SNY7soEsUEjb6gQ==', 'base64'));
    expect(verifier).toMatch(/^SCRAM-SHA-256\$4096:W22ZaJ0SNY7soEsUEjb6gQ==\$[A-Za-z0-9+/=]{44}:[A-Za-z0-9+/=]{44}$/);
    expect(verifierMatches(verifier, 'pencil')).toBe(true);
    expect(verifierMatches(verifier, 'pencil2')).toBe(false);
    expect(verifierMatches('md5abc', 'pencil')).toBe(false);
    expect(verifierMatches(null, 'pencil')).toBe(false);
  });

  it('refuse passwords outside printable ASCII (SASLprep would change them)', () => {
    expect(() => scramVerifier('pass word')).toThrow(/printable ASCII/);
    expect(() => scramVerifier('pässword')).toThrow(/printable ASCII/);
  });
});
