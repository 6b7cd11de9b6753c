/**
 * Prints the SQL that would bring the database at DATABASE_URL in line with the entities.
 * Use it to write a new migration: run it against a freshly migrated database.
 */
import 'reflect-metadata';
import { createDataSource } from '../src/db/data-source';

async function main(): Promise<void> {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is required');
  const ds = createDataSource({ url });
  await ds.initialize();
  const log = await ds.driver.createSchemaBuilder().log();
  for (const q of log.upQueries) console.log(`${q.query};`);
  await ds.destroy();
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
