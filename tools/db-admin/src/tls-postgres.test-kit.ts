/**
 * A throwaway Postgres server with TLS, for tls.int-spec.ts: initdb into a
 * temporary directory, a CA and a server certificate for 127.0.0.1 made with
 * openssl, `hostssl ... scram-sha-256` only, on a free port. The local test
 * server has no TLS; this one exists for the length of a test file.
 *
 * Needs the PostgreSQL server binaries (PG_BINDIR, else pg_config --bindir,
 * else /usr/lib/postgresql/<newest>/bin) and openssl. initdb refuses to run as
 * root: as root, the server runs as the `postgres` system user.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TlsPostgres {
  port: number;
  dir: string;
  /** The CA that signed the server's certificate. */
  caFile: string;
  /** Another CA, which did not. */
  otherCaFile: string;
  superuserPassword: string;
  /** postgresql://postgres:<pw>@127.0.0.1:<port>/<database>?sslmode=verify-full&sslrootcert=<ca> */
  url(database: string, user?: string, password?: string, caFile?: string, host?: string): string;
  stop(): void;
}

function binDir(): string {
  const candidates = [process.env['PG_BINDIR']];
  const pgConfig = spawnSync('pg_config', ['--bindir'], { encoding: 'utf8' });
  if (pgConfig.status === 0) candidates.push(pgConfig.stdout.trim());
  if (existsSync('/usr/lib/postgresql')) {
    const versions = readdirSync('/usr/lib/postgresql').filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a));
    candidates.push(...versions.map((v) => `/usr/lib/postgresql/${v}/bin`));
  }
  const found = candidates.find((dir) => dir && existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl')));
  if (!found) throw new Error('initdb and pg_ctl not found: install the PostgreSQL server binaries or set PG_BINDIR');
  return found;
}

const run = (command: string, args: string[], options: { asUser?: string; cwd?: string } = {}): string => {
  const [cmd, argv] = options.asUser ? ['runuser', ['-u', options.asUser, '--', command, ...args]] : [command, args];
  return execFileSync(cmd, argv, { cwd: options.cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
};

function certificates(dir: string): void {
  const ssl = (args: string[]) => run('openssl', args, { cwd: dir });
  const ca = (name: string, cn: string) =>
    ssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.pem`,
      '-days', '2', '-subj', `/CN=${cn}`, '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  ca('ca', 'wahooks test CA');
  ca('other-ca', 'some other CA');
  ssl(['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1']);
  // The certificate names 127.0.0.1 only: connecting as "localhost" must fail verify-full.
  writeFileSync(join(dir, 'server.ext'), 'subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n');
  ssl(['x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.crt', '-days', '2', '-extfile', 'server.ext']);
}

export function startTlsPostgres(port: number): TlsPostgres {
  const bin = binDir();
  const asUser = process.getuid?.() === 0 ? 'postgres' : undefined;
  const dir = mkdtempSync(join(tmpdir(), 'wahooks-tls-pg-'));
  const data = join(dir, 'data');
  const superuserPassword = `pw-${Date.now().toString(36)}`;
  let started = false;
  const stop = () => {
    if (started) spawnSync(asUser ? 'runuser' : join(bin, 'pg_ctl'), asUser ? ['-u', asUser, '--', join(bin, 'pg_ctl'), 'stop', '-D', data, '-m', 'immediate'] : ['stop', '-D', data, '-m', 'immediate']);
    started = false;
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    certificates(dir);
    writeFileSync(join(dir, 'pwfile'), `${superuserPassword}\n`);
    if (asUser) {
      const uid = Number(run('id', ['-u', asUser]).trim());
      const gid = Number(run('id', ['-g', asUser]).trim());
      for (const f of ['', 'server.key', 'server.crt', 'ca.pem', 'pwfile']) chownSync(join(dir, f), uid, gid);
    }
    chmodSync(join(dir, 'server.key'), 0o600);
    run(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '--pwfile', join(dir, 'pwfile'), '-A', 'scram-sha-256', '-E', 'UTF8', '--no-sync'], { asUser });
    writeFileSync(
      join(data, 'postgresql.auto.conf'),
      [
        `port = ${port}`,
        "listen_addresses = '127.0.0.1'",
        `unix_socket_directories = '${dir}'`,
        'ssl = on',
        `ssl_cert_file = '${join(dir, 'server.crt')}'`,
        `ssl_key_file = '${join(dir, 'server.key')}'`,
        "password_encryption = 'scram-sha-256'",
        'fsync = off',
        'max_connections = 40',
        "shared_buffers = '16MB'",
        '',
      ].join('\n'),
    );
    // TLS or nothing: a plain connection is refused by the server itself.
    writeFileSync(join(data, 'pg_hba.conf'), 'hostssl all all 127.0.0.1/32 scram-sha-256\nhostnossl all all 127.0.0.1/32 reject\n');
    if (asUser) for (const f of ['postgresql.auto.conf', 'pg_hba.conf']) chownSync(join(data, f), Number(run('id', ['-u', asUser]).trim()), Number(run('id', ['-g', asUser]).trim()));
    run(join(bin, 'pg_ctl'), ['start', '-D', data, '-l', join(dir, 'server.log'), '-w', '-t', '60'], { asUser });
    started = true;
  } catch (error) {
    stop();
    throw error;
  }
  return {
    port,
    dir,
    caFile: join(dir, 'ca.pem'),
    otherCaFile: join(dir, 'other-ca.pem'),
    superuserPassword,
    url(database, user = 'postgres', password = superuserPassword, caFile = join(dir, 'ca.pem'), host = '127.0.0.1') {
      const auth = password ? `${encodeURIComponent(user)}:${encodeURIComponent(password)}` : encodeURIComponent(user);
      return `postgresql://${auth}@${host}:${port}/${database}?sslmode=verify-full&sslrootcert=${encodeURIComponent(caFile)}`;
    },
    stop,
  };
}
