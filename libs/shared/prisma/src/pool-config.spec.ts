import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Client } from 'pg';

import { databaseSection, loadConfig } from '@wahooks/config';

import { boundedPoolConfig } from './sql-transactions';

/**
 * `sslmode=verify-full&sslrootcert=<file>` in DATABASE_URL is all it takes:
 * the pool hands the URL to node-postgres, whose connection-string parser
 * (pg-connection-string) turns it into TLS options: the CA file's contents as
 * the only trusted root, certificate and host name checked. Checked here on the
 * connection parameters a client is built with; tls.int-spec.ts connects.
 */
describe('DATABASE_URL with sslmode=verify-full', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wahooks-pg-ca-'));
  const ca = join(dir, 'pg-ca.pem');
  const pem = '-----BEGIN CERTIFICATE-----\nMIIB...test...\n-----END CERTIFICATE-----\n';
  writeFileSync(ca, pem);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  // The database section alone: what the pool is built from.
  const database = (url: string) => loadConfig([databaseSection], { DATABASE_URL: url }).database;
  const sslOf = (url: string) =>
    (new Client(boundedPoolConfig(database(url))) as unknown as { connectionParameters: { ssl: unknown; host: string; user: string } })
      .connectionParameters;

  it('trusts only the CA file and verifies the certificate and the host name', () => {
    const params = sslOf(`postgresql://wahooks_intake@db.example.internal:5432/wahooks?sslmode=verify-full&sslrootcert=${ca}`);
    expect(params.host).toBe('db.example.internal');
    expect(params.user).toBe('wahooks_intake');
    expect(params.ssl).toEqual({ ca: pem });
    // No rejectUnauthorized: false and no checkServerIdentity override, so Node's TLS checks both.
    expect(params.ssl).not.toHaveProperty('rejectUnauthorized');
    expect(params.ssl).not.toHaveProperty('checkServerIdentity');
  });

  it('keeps the bounds of the pool next to the URL', () => {
    const config = boundedPoolConfig(database(`postgresql://h/db?sslmode=verify-full&sslrootcert=${ca}`));
    expect(config.connectionString).toBe(`postgresql://h/db?sslmode=verify-full&sslrootcert=${ca}`);
    expect(config.ssl).toBeUndefined(); // nothing overrides what the URL says
  });

  it('fails at once, naming the file, when the CA file is missing', () => {
    const missing = join(dir, 'missing-ca.pem');
    expect(() => sslOf(`postgresql://h/db?sslmode=verify-full&sslrootcert=${missing}`)).toThrow(`ENOENT: no such file or directory, open '${missing}'`);
  });

  it('without sslmode the connection is plain (the local server)', () => {
    expect(sslOf('postgresql://postgres@127.0.0.1:5432/wahooks').ssl).toBe(false);
  });
});
