/**
 * Who connects to Postgres as whom (docs/security.md, "Postgres roles").
 *
 * - the **owner** owns the schema and every table and runs the migrations
 *   (`DATABASE_MIGRATION_URL`); no app ever gets its URL;
 * - each long-running app connects as a role of its own (`DATABASE_URL`,
 *   from the Secret key `DATABASE_URL_<APP>`), which owns nothing and holds only
 *   the table privileges of tools/db-admin/src/grants.ts.
 *
 * Framework-free on purpose: db-admin, the test kit and the manifest tests read it.
 */
export const OWNER_ROLE = 'wahooks_owner';

/** The login role of each app, named after it (`wahooks_` + the app name, `-` as `_`). */
export const APP_ROLES = {
  intake: 'wahooks_intake',
  'status-projector': 'wahooks_status_projector',
  'fallback-trigger': 'wahooks_fallback_trigger',
  'template-monitor': 'wahooks_template_monitor',
  'inbound-reply': 'wahooks_inbound_reply',
} as const;

export type DatabaseApp = keyof typeof APP_ROLES;
/** A connection the tools know how to name: an app's, the owner's, or the administrator's (creates databases and roles). */
export type DatabaseIdentity = DatabaseApp | 'owner' | 'admin';

export const DATABASE_APPS = Object.keys(APP_ROLES) as DatabaseApp[];

export const isDatabaseApp = (name: string): name is DatabaseApp => Object.hasOwn(APP_ROLES, name);

/** The environment variable (and Kubernetes Secret key) holding an identity's URL. */
export function databaseUrlVariable(who: DatabaseIdentity): string {
  if (who === 'admin') return 'DATABASE_ADMIN_URL';
  if (who === 'owner') return 'DATABASE_MIGRATION_URL';
  return `DATABASE_URL_${who.toUpperCase().replace(/-/g, '_')}`;
}

export function roleOf(who: DatabaseApp | 'owner'): string {
  return who === 'owner' ? OWNER_ROLE : APP_ROLES[who];
}

/**
 * `url` with `role` as its user and no password: the same server, database
 * and parameters (sslmode, sslrootcert, ...). A URL already naming the role is
 * returned as it is, password included.
 */
export function withRole(url: string, role: string): string {
  const parsed = new URL(url);
  if (decodeURIComponent(parsed.username) === role) return url;
  parsed.username = encodeURIComponent(role);
  parsed.password = '';
  return parsed.toString();
}

/**
 * An identity's URL from an environment: its own variable when set
 * (`DATABASE_MIGRATION_URL`, `DATABASE_URL_INTAKE`, ...), else the
 * administrator's URL (`DATABASE_ADMIN_URL`, else `DATABASE_URL`) with the
 * role as user, which is how the local scripts and the test suite reach the
 * roles (trust authentication on a developer's server).
 */
export function databaseUrlFor(who: DatabaseIdentity, env: Record<string, string | undefined>): string {
  const own = env[databaseUrlVariable(who)];
  if (own) return own;
  const admin = env['DATABASE_ADMIN_URL'] || env['DATABASE_URL'];
  if (!admin) throw new Error(`${databaseUrlVariable(who)} is not set, and neither is DATABASE_ADMIN_URL or DATABASE_URL to derive it from`);
  return who === 'admin' ? admin : withRole(admin, roleOf(who));
}
