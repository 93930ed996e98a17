import { assessDatabaseSettings, SettingRow, settingBytes } from './database-settings';

/** pg_settings of a server set up as docs/database.md asks. */
const healthy: SettingRow[] = [
  { name: 'autovacuum', setting: 'on', unit: null },
  { name: 'track_counts', setting: 'on', unit: null },
  { name: 'shared_buffers', setting: '65536', unit: '8kB' },
  { name: 'max_connections', setting: '200', unit: null },
  { name: 'superuser_reserved_connections', setting: '3', unit: null },
  { name: 'synchronous_commit', setting: 'on', unit: null },
  { name: 'fsync', setting: 'on', unit: null },
  { name: 'full_page_writes', setting: 'on', unit: null },
  { name: 'default_transaction_isolation', setting: 'read committed', unit: null },
];
const ctx = { poolSize: 10, connectionsInUse: 20 };
const withSetting = (name: string, setting: string): SettingRow[] => healthy.map((r) => (r.name === name ? { ...r, setting } : r));
const settingsWarned = (rows: SettingRow[], c = ctx) => assessDatabaseSettings(rows, c).map((w) => w.setting);

describe('assessDatabaseSettings', () => {
  it('says nothing about a server set up as docs/database.md asks', () => {
    expect(assessDatabaseSettings(healthy, ctx)).toEqual([]);
  });

  it('warns when autovacuum is off, naming what bloats and what to run instead', () => {
    const [w] = assessDatabaseSettings(withSetting('autovacuum', 'off'), ctx);
    expect(w).toMatchObject({ setting: 'autovacuum', value: 'off' });
    expect(w!.message).toMatch(/outbox/);
    expect(w!.message).toMatch(/db-admin vacuum/);
  });

  it('warns that synchronous_commit off can lose events whose offsets were committed; local and remote_write are fine', () => {
    expect(assessDatabaseSettings(withSetting('synchronous_commit', 'off'), ctx)[0]!.message).toMatch(/lost for good/);
    expect(settingsWarned(withSetting('synchronous_commit', 'local'))).toEqual([]);
    expect(settingsWarned(withSetting('synchronous_commit', 'remote_write'))).toEqual([]);
  });

  it('warns on fsync or full_page_writes off, track_counts off, and an isolation other than read committed', () => {
    expect(settingsWarned(withSetting('fsync', 'off'))).toEqual(['fsync']);
    expect(settingsWarned(withSetting('full_page_writes', 'off'))).toEqual(['full_page_writes']);
    expect(settingsWarned(withSetting('track_counts', 'off'))).toEqual(['track_counts']);
    expect(settingsWarned(withSetting('default_transaction_isolation', 'serializable'))).toEqual(['default_transaction_isolation']);
  });

  it('warns when shared_buffers is under 256 MB (Postgres 15 ships 128 MB), in MB', () => {
    const [w] = assessDatabaseSettings(withSetting('shared_buffers', '16384'), ctx);
    expect(w).toMatchObject({ setting: 'shared_buffers', value: '128MB' });
    expect(settingsWarned(withSetting('shared_buffers', '32768'))).toEqual([]);
  });

  it('warns when the connections left on the server cannot hold this process pool', () => {
    expect(settingsWarned(healthy, { poolSize: 10, connectionsInUse: 187 })).toEqual([]);
    const [w] = assessDatabaseSettings(healthy, { poolSize: 10, connectionsInUse: 188 });
    expect(w).toMatchObject({ setting: 'connections', value: '188 of 200' });
    expect(w!.message).toMatch(/only 9 connections are left/);
  });

  it('ignores settings the server did not report', () => {
    expect(assessDatabaseSettings([], ctx)).toEqual([]);
  });
});

describe('settingBytes', () => {
  it('reads pg_settings memory units', () => {
    expect(settingBytes({ name: 'shared_buffers', setting: '16384', unit: '8kB' })).toBe(128 * 1024 * 1024);
    expect(settingBytes({ name: 'work_mem', setting: '4096', unit: 'kB' })).toBe(4 * 1024 * 1024);
    expect(settingBytes({ name: 'x', setting: '2', unit: 'GB' })).toBe(2 * 1024 ** 3);
    expect(settingBytes({ name: 'max_connections', setting: '100', unit: null })).toBeNull();
    expect(settingBytes({ name: 'x', setting: 'abc', unit: 'kB' })).toBeNull();
  });
});
