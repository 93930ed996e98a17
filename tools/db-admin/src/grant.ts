/**
 * `grant`: makes the privileges of the app roles on every table and sequence
 * of the schema equal the grant table (grants.ts), run by the owner after
 * every migration (and by ensure-roles). It grants what is missing, revokes
 * what is not in the table (from the app roles and from PUBLIC; other roles
 * a DBA added are left alone), and, after applying the rest, refuses
 * - a table the grant table lists that the owner role does not own (created
 *   by someone else: run ensure-roles as an administrator to hand it over),
 * - anything an app role owns.
 * A table the grant table does not list gets nothing for the app roles and a
 * warning: the unit test grants.spec.ts is what fails when a migration adds
 * a table without an entry; other tables in the schema (a benchmark's scratch
 * copy) must not stop a deploy.
 * Sequences follow their table: USAGE for the roles that INSERT into it.
 */
import type { Client } from 'pg';

import { APP_ROLES, DatabaseApp, OWNER_ROLE } from '@wahooks/config';

import { desiredTablePrivileges, TABLE_GRANTS } from './grants';
import { ident, SCHEMA } from './roles';

export interface RelationAcl {
  name: string;
  kind: 'table' | 'sequence';
  owner: string;
  /** For a sequence: the table whose column owns it (serial, identity). */
  ownedBy: string | null;
  /** Grantee (role name, or PUBLIC) → privileges, as aclexplode reports them. */
  acl: Record<string, string[]>;
}

export interface GrantPlan {
  statements: string[];
  /** Human-readable: "+SELECT,INSERT events wahooks_status_projector". */
  changes: string[];
  /** What the grant table cannot fix: the command fails. */
  problems: string[];
  /** Tables (and sequences) the grant table does not cover: no app role gets anything on them. */
  warnings: string[];
}

const PUBLIC = 'PUBLIC';
const grantee = (g: string): string => (g === PUBLIC ? PUBLIC : ident(g));

/** Whether the grant table covers the relation (a listed table, or the sequence of a listed table's column). */
const listed = (relation: RelationAcl): boolean => !!TABLE_GRANTS[relation.kind === 'table' ? relation.name : (relation.ownedBy ?? '')];

/** What each managed grantee should hold on the relation: nothing at all when the grant table does not cover it. */
function desiredFor(relation: RelationAcl): Map<string, Set<string>> {
  const managed = new Map<string, Set<string>>([[PUBLIC, new Set()], ...Object.values(APP_ROLES).map((r) => [r, new Set<string>()] as const)]);
  if (!listed(relation)) return managed;
  if (relation.kind === 'table') {
    for (const [app, privileges] of desiredTablePrivileges(relation.name)) managed.set(APP_ROLES[app], new Set(privileges));
    return managed;
  }
  for (const [app, privileges] of desiredTablePrivileges(relation.ownedBy as string)) {
    if (privileges.includes('INSERT')) managed.set(APP_ROLES[app as DatabaseApp], new Set(['USAGE']));
  }
  return managed;
}

/** The statements that bring the relations' privileges to the grant table, and what they cannot fix. */
export function planGrants(relations: RelationAcl[]): GrantPlan {
  const plan: GrantPlan = { statements: [], changes: [], problems: [], warnings: [] };
  for (const relation of [...relations].sort((a, b) => a.name.localeCompare(b.name))) {
    const what = relation.kind === 'table' ? 'table' : 'sequence';
    if (Object.values(APP_ROLES).includes(relation.owner as never)) {
      plan.problems.push(`${what} ${relation.name} is owned by the app role ${relation.owner}: app roles must own nothing (run db-admin ensure-roles)`);
      continue;
    }
    const owned = relation.owner === OWNER_ROLE;
    if (!listed(relation)) {
      plan.warnings.push(
        `${what} ${relation.name} is not in the grant table: ` +
          (owned ? 'no app role gets anything on it' : `owned by ${relation.owner}, its privileges are left as they are`) +
          (relation.kind === 'table' ? ' (if a migration created it, add it to tools/db-admin/src/grants.ts)' : ''),
      );
    } else if (!owned) {
      plan.problems.push(`${what} ${relation.name} is owned by ${relation.owner}, not ${OWNER_ROLE}: run db-admin ensure-roles as an administrator to hand it over`);
    }
    if (!owned) continue;
    const desired = desiredFor(relation);
    const target = `${relation.kind === 'table' ? 'TABLE' : 'SEQUENCE'} ${ident(SCHEMA)}.${ident(relation.name)}`;
    for (const [role, want] of desired) {
      const have = new Set(relation.acl[role] ?? []);
      const add = [...want].filter((p) => !have.has(p)).sort();
      const remove = [...have].filter((p) => !want.has(p)).sort();
      if (add.length > 0) {
        plan.statements.push(`GRANT ${add.join(', ')} ON ${target} TO ${grantee(role)}`);
        plan.changes.push(`+${add.join(',')} ${relation.name} ${role}`);
      }
      if (remove.length > 0) {
        plan.statements.push(`REVOKE ${remove.join(', ')} ON ${target} FROM ${grantee(role)}`);
        plan.changes.push(`-${remove.join(',')} ${relation.name} ${role}`);
      }
    }
  }
  return plan;
}

const RELATIONS_SQL = `
SELECT c.relname AS name,
       CASE WHEN c.relkind = 'S' THEN 'sequence' ELSE 'table' END AS kind,
       pg_get_userbyid(c.relowner) AS owner,
       (SELECT t.relname FROM pg_depend d JOIN pg_class t ON t.oid = d.refobjid
         WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')
         LIMIT 1) AS "ownedBy",
       coalesce((SELECT jsonb_object_agg(g.grantee, g.privileges)
                   FROM (SELECT CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE pg_get_userbyid(a.grantee) END AS grantee,
                                jsonb_agg(a.privilege_type ORDER BY a.privilege_type) AS privileges
                           FROM aclexplode(c.relacl) a
                          WHERE a.grantee <> c.relowner
                          GROUP BY 1) g), '{}'::jsonb) AS acl
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = $1 AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S') AND NOT c.relispartition`;

export async function readRelations(client: Client): Promise<RelationAcl[]> {
  return (await client.query<RelationAcl>(RELATIONS_SQL, [SCHEMA])).rows;
}

/**
 * Plans and (unless `check`) applies, in one transaction serialized by an
 * advisory lock, so two migration Jobs cannot interleave. Privileges change
 * atomically: a running app sees the old set or the new one.
 */
export async function applyGrants(client: Client, options: { check?: boolean } = {}): Promise<GrantPlan> {
  await client.query('BEGIN');
  try {
    await client.query(`SELECT pg_advisory_xact_lock(hashtext('wahooks db-admin grant'))`);
    const plan = planGrants(await readRelations(client));
    if (!options.check) for (const statement of plan.statements) await client.query(statement);
    await client.query('COMMIT');
    return plan;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}
