import path from 'node:path';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { createDataSource } from '../src/db/data-source';
import { EmbeddedDatabase, startEmbeddedPostgres } from '../src/db/embedded';
import { installPgTypeParsers } from '../src/db/pg-types';

/**
 * The benchmark's database: `kluis_bench` on the server of BENCH_DATABASE_URL / DATABASE_URL,
 * or an embedded PostgreSQL under .data/bench-pg. Migrated; kept between runs (seeding is skipped
 * when the data is already there).
 */
export async function openBenchDatabase(): Promise<{ ds: DataSource; url: string; close(): Promise<void> }> {
  installPgTypeParsers();
  const server = process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL;
  let embedded: EmbeddedDatabase | undefined;
  let url: string;
  if (server) {
    const admin = new Client({ connectionString: server });
    await admin.connect();
    const { rowCount } = await admin.query(`SELECT 1 FROM pg_database WHERE datname = 'kluis_bench'`);
    if (!rowCount) await admin.query('CREATE DATABASE kluis_bench');
    await admin.end();
    const u = new URL(server);
    u.pathname = '/kluis_bench';
    url = u.toString();
  } else {
    embedded = await startEmbeddedPostgres(path.resolve('.data/bench-pg'), { database: 'kluis_bench', port: 54349 });
    url = embedded.url;
  }
  const ds = createDataSource({ url, poolSize: 20 });
  await ds.initialize();
  await ds.runMigrations({ transaction: 'each' });
  return { ds, url, close: async () => { await ds.destroy(); await embedded?.stop(); } };
}
