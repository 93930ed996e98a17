import { APP_ROLES, DATABASE_APPS, databaseUrlFor, databaseUrlVariable, OWNER_ROLE, withRole } from './database-roles';

describe('database roles', () => {
  it('names one role per app after the app, and one owner', () => {
    for (const app of DATABASE_APPS) expect(APP_ROLES[app]).toBe(`wahooks_${app.replace(/-/g, '_')}`);
    expect(new Set([OWNER_ROLE, ...Object.values(APP_ROLES)]).size).toBe(DATABASE_APPS.length + 1);
  });

  it('names the variable (and Secret key) of each identity', () => {
    expect(databaseUrlVariable('owner')).toBe('DATABASE_MIGRATION_URL');
    expect(databaseUrlVariable('admin')).toBe('DATABASE_ADMIN_URL');
    expect(databaseUrlVariable('status-projector')).toBe('DATABASE_URL_STATUS_PROJECTOR');
  });

  it('swaps the user of a URL, keeping server, database and TLS parameters, dropping the password', () => {
    const admin = 'postgresql://postgres:secret@db.internal:6432/wahooks?sslmode=verify-full&sslrootcert=/etc/wahooks/pg-ca.pem';
    expect(withRole(admin, 'wahooks_intake')).toBe(
      'postgresql://wahooks_intake@db.internal:6432/wahooks?sslmode=verify-full&sslrootcert=/etc/wahooks/pg-ca.pem',
    );
    const own = 'postgresql://wahooks_intake:pw@db.internal/wahooks';
    expect(withRole(own, 'wahooks_intake')).toBe(own);
  });

  it("prefers an identity's own variable, else derives it from the administrator's URL", () => {
    const env = { DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/wahooks_test', DATABASE_URL_INTAKE: 'postgresql://wahooks_intake:pw@h/db' };
    expect(databaseUrlFor('intake', env)).toBe('postgresql://wahooks_intake:pw@h/db');
    expect(databaseUrlFor('owner', env)).toBe('postgresql://wahooks_owner@127.0.0.1:5432/wahooks_test');
    expect(databaseUrlFor('admin', env)).toBe(env.DATABASE_URL);
    expect(databaseUrlFor('inbound-reply', { ...env, DATABASE_ADMIN_URL: 'postgresql://root@other/db' })).toBe('postgresql://wahooks_inbound_reply@other/db');
    expect(() => databaseUrlFor('owner', {})).toThrow(/DATABASE_MIGRATION_URL is not set/);
  });
});
