import path from 'node:path';
import { Client } from 'pg';
import 'reflect-metadata';
import { createDataSource } from '../../src/db/data-source';
import { startEmbeddedPostgres } from '../../src/db/embedded';
import { installPgTypeParsers } from '../../src/db/pg-types';

declare global {
  // eslint-disable-next-line no-var
  var __KLUIS_EMBEDDED__: { stop(): Promise<void> } | undefined;
}

/**
 * Once per test run: a PostgreSQL server (the machine's, from DATABASE_URL, or an embedded one)
 * and a migrated template database. Each test file then clones the template into a database of
 * its own (test/support/database.ts), so files run in parallel without sharing state.
 */
export default async function globalSetup(): Promise<void> {
  installPgTypeParsers();
  let adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) {
    const embedded = await startEmbeddedPostgres(path.resolve('.data/test-pg'), { persistent: false, database: 'postgres', port: 54339 });
    globalThis.__KLUIS_EMBEDDED__ = embedded;
    adminUrl = embedded.adminUrl('postgres');
  }
  const template = `kluis_tpl_${process.pid}_${Date.now().toString(36)}`;
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${template}"`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${template}`;
  const ds = createDataSource({ url: url.toString() });
  await ds.initialize();
  await ds.runMigrations({ transaction: 'each' });
  await ds.destroy();
  process.env.KLUIS_TEST_ADMIN_URL = adminUrl;
  process.env.KLUIS_TEST_TEMPLATE = template;
}
