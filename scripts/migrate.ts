/** Applies pending migrations to DATABASE_URL (for deployments that start with MIGRATIONS=skip). */
import 'reflect-metadata';
import { createDataSource } from '../src/db/data-source';

async function main(): Promise<void> {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is required');
  const ds = createDataSource({ url });
  await ds.initialize();
  const applied = await ds.runMigrations({ transaction: 'each' });
  process.stdout.write(applied.length ? `applied: ${applied.map((m) => m.name).join(', ')}\n` : 'no pending migrations\n');
  await ds.destroy();
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
