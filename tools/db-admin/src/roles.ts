/**
 * `ensure-roles`: what an administrator does once per database (and again
 * whenever the role list changes), idempotently. Every statement below can
 * run again at any time and changes nothing that is already right:
 *
 * - the owner and one login role per app exist, with no attribute beyond
 *   LOGIN (no superuser, CREATEDB, CREATEROLE, REPLICATION, BYPASSRLS) and no
 *   membership in any other role (which would lend them its privileges);
 * - passwords, when given, are set as SCRAM-SHA-256 verifiers computed here,
 *   so the password itself never reaches the server or its statement log;
 * - the database lets only these roles connect (and the owner create the
 *   schema Prisma's first migration names); nobody else, not even PUBLIC, may
 *   use the schema or create objects in it;
 * - the owner owns the schema and every object in it: objects a superuser's
 *   migration created (before the roles existed) are handed over.
 *
 * Table privileges follow from grants.ts (`applyGrants`), applied after this.
 */
import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';

import { APP_ROLES, OWNER_ROLE } from '@wahooks/config';

export const SCHEMA = 'public';
const IDENT = /^[a-z_][a-z0-9_]*$/;

/** A double-quoted identifier; role and database names are checked against a strict pattern first. */
export function ident(name: string): string {
  if (!/^[A-Za-z0-9_]+$/.test(name)) throw new Error(`refusing unusual identifier "${name}"`);
  return `"${name}"`;
}

export const appRoles = (): string[] => Object.values(APP_ROLES);
export const allRoles = (): string[] => [OWNER_ROLE, ...appRoles()];

/** `DO` block text: our role names are plain identifiers, so they are written into the SQL directly. */
const literal = (s: string): string => `'${s.replace(/'/g, "''")}'`;

/** The idempotent SQL of ensure-roles for `database` (printed by `ensure-roles --print-sql`), passwords apart. */
export function rolesSql(database: string): string[] {
  const roles = allRoles();
  for (const r of roles) if (!IDENT.test(r)) throw new Error(`role name ${r} must match ${IDENT}`);
  const db = ident(database);
  const apps = appRoles().map(ident).join(', ');
  const owner = ident(OWNER_ROLE);
  const statements: string[] = [];
  for (const role of roles) {
    // Created with LOGIN only (CREATE ROLE's defaults are NOSUPERUSER NOCREATEDB NOCREATEROLE
    // NOREPLICATION NOBYPASSRLS); existing roles are corrected attribute by attribute and only
    // when wrong, so a non-superuser administrator can run this once they are right.
    statements.push(`DO $$
DECLARE r pg_roles%ROWTYPE; m record;
BEGIN
  BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = ${literal(role)}) THEN CREATE ROLE ${ident(role)} LOGIN; END IF;
  EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; -- created concurrently
  END;
  SELECT * INTO r FROM pg_roles WHERE rolname = ${literal(role)};
  IF NOT r.rolcanlogin THEN ALTER ROLE ${ident(role)} LOGIN; END IF;
  IF r.rolsuper THEN ALTER ROLE ${ident(role)} NOSUPERUSER; END IF;
  IF r.rolcreatedb THEN ALTER ROLE ${ident(role)} NOCREATEDB; END IF;
  IF r.rolcreaterole THEN ALTER ROLE ${ident(role)} NOCREATEROLE; END IF;
  IF r.rolreplication THEN ALTER ROLE ${ident(role)} NOREPLICATION; END IF;
  IF r.rolbypassrls THEN ALTER ROLE ${ident(role)} NOBYPASSRLS; END IF;
  FOR m IN SELECT g.rolname FROM pg_auth_members a JOIN pg_roles g ON g.oid = a.roleid WHERE a.member = r.oid LOOP
    EXECUTE format('REVOKE %I FROM %I', m.rolname, ${literal(role)});
  END LOOP;
END $$`);
  }
  statements.push(
    `REVOKE ALL ON DATABASE ${db} FROM PUBLIC`,
    `GRANT CONNECT, CREATE ON DATABASE ${db} TO ${owner}`,
    `GRANT CONNECT ON DATABASE ${db} TO ${apps}`,
    `CREATE SCHEMA IF NOT EXISTS ${ident(SCHEMA)} AUTHORIZATION ${owner}`,
    `DO $$ BEGIN
  IF (SELECT nspowner::regrole::text FROM pg_namespace WHERE nspname = ${literal(SCHEMA)}) <> ${literal(OWNER_ROLE)} THEN
    ALTER SCHEMA ${ident(SCHEMA)} OWNER TO ${owner};
  END IF;
END $$`,
    `REVOKE ALL ON SCHEMA ${ident(SCHEMA)} FROM PUBLIC`,
    `GRANT USAGE ON SCHEMA ${ident(SCHEMA)} TO ${apps}`,
    // Every object of the schema belongs to the owner. ALTER TABLE also moves the table's
    // indexes and owned sequences; sequences, functions and types of their own follow.
    `DO $$
DECLARE o record;
BEGIN
  FOR o IN
    SELECT format('ALTER %s %I.%I OWNER TO %I',
             CASE c.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW' WHEN 'f' THEN 'FOREIGN TABLE' WHEN 'S' THEN 'SEQUENCE' ELSE 'TABLE' END,
             n.nspname, c.relname, ${literal(OWNER_ROLE)}) AS stmt
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = ${literal(SCHEMA)} AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')
      AND c.relowner <> ${literal(OWNER_ROLE)}::regrole
      AND NOT (c.relkind = 'S' AND EXISTS (SELECT FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype IN ('a', 'i')))
    UNION ALL
    SELECT format('ALTER ROUTINE %s OWNER TO %I', p.oid::regprocedure, ${literal(OWNER_ROLE)})
    FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
    WHERE n.nspname = ${literal(SCHEMA)} AND p.proowner <> ${literal(OWNER_ROLE)}::regrole
      AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')
    UNION ALL
    SELECT format('ALTER TYPE %s OWNER TO %I', t.oid::regtype, ${literal(OWNER_ROLE)})
    FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
    WHERE n.nspname = ${literal(SCHEMA)} AND t.typowner <> ${literal(OWNER_ROLE)}::regrole
      AND t.typtype IN ('e', 'd', 'r')
  LOOP
    EXECUTE o.stmt;
  END LOOP;
END $$`,
  );
  return statements;
}

// ---------------------------------------------------------------- passwords

const ITERATIONS = 4096;

/**
 * A SCRAM-SHA-256 verifier as Postgres stores it (RFC 5803 / 7677). Postgres
 * accepts it in `PASSWORD '...'` and keeps it as is. Passwords are limited to
 * printable ASCII, where Postgres's SASLprep normalization changes nothing.
 */
export function scramVerifier(password: string, salt: Buffer = randomBytes(16), iterations = ITERATIONS): string {
  if (!/^[\x21-\x7e]+$/.test(password)) throw new Error('database passwords must be printable ASCII without spaces (e.g. openssl rand -hex 32)');
  const salted = pbkdf2Sync(password, salt, iterations, 32, 'sha256');
  const storedKey = createHash('sha256').update(createHmac('sha256', salted).update('Client Key').digest()).digest();
  const serverKey = createHmac('sha256', salted).update('Server Key').digest();
  return `SCRAM-SHA-256$${iterations}:${salt.toString('base64')}$${storedKey.toString('base64')}:${serverKey.toString('base64')}`;
}

/** Whether a stored verifier (pg_authid.rolpassword) already belongs to this password. */
export function verifierMatches(stored: string | null | undefined, password: string): boolean {
  const m = /^SCRAM-SHA-256\$(\d+):([^$]+)\$([^:]+):(.+)$/.exec(stored ?? '');
  if (!m) return false;
  const expected = scramVerifier(password, Buffer.from(m[2] as string, 'base64'), Number(m[1]));
  return expected.length === (stored as string).length && timingSafeEqual(Buffer.from(expected), Buffer.from(stored as string));
}

export function setPasswordSql(role: string, password: string): string {
  return `ALTER ROLE ${ident(role)} PASSWORD ${literal(scramVerifier(password))}`;
}
