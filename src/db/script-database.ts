import path from 'node:path';
import type { DataSource } from 'typeorm';
import type { Config } from '../config';
import { createDataSource } from './data-source';
import { startEmbeddedPostgres } from './embedded';
import { installPgTypeParsers } from './pg-types';

/**
 * The database an operator script works on: DATABASE_URL, or else the development embedded
 * database under the data directory (started for the script and stopped after it).
 */
export async function openScriptDatabase(config: Config): Promise<{ ds: DataSource; close(): Promise<void> }> {
  installPgTypeParsers();
  const embedded = config.databaseUrl ? undefined : await startEmbeddedPostgres(path.join(config.dataDir, 'pg'));
  const ds = createDataSource({ url: config.databaseUrl ?? embedded!.url, poolSize: 2 });
  await ds.initialize();
  return {
    ds,
    close: async () => {
      await ds.destroy();
      await embedded?.stop();
    },
  };
}
