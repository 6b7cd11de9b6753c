import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { createDataSource } from '../../src/db/data-source';

export interface TestDatabase {
  ds: DataSource;
  url: string;
  name: string;
  drop(): Promise<void>;
}

/** Runs `work` on a connection to the test server as its administrator. */
export async function admin<T>(work: (c: Client) => Promise<T>): Promise<T> {
  const c = new Client({ connectionString: process.env.KLUIS_TEST_ADMIN_URL });
  await c.connect();
  try {
    return await work(c);
  } finally {
    await c.end();
  }
}

/** A fresh, migrated database of this test file's own, cloned from the run's template. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `kluis_t_${randomBytes(6).toString('hex')}`;
  await admin((c) => c.query(`CREATE DATABASE "${name}" TEMPLATE "${process.env.KLUIS_TEST_TEMPLATE}"`));
  const url = new URL(process.env.KLUIS_TEST_ADMIN_URL!);
  url.pathname = `/${name}`;
  const ds = createDataSource({ url: url.toString(), poolSize: 5 });
  await ds.initialize();
  return {
    ds,
    url: url.toString(),
    name,
    drop: async () => {
      if (ds.isInitialized) await ds.destroy();
      await admin((c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
    },
  };
}
