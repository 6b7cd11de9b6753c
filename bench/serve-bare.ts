/**
 * The bare baseline server for `npm run bench` (see bare.ts): started by the harness only,
 * with the same database, keys and port conventions as the real server.
 */
import 'reflect-metadata';
import { createTokenVerifier, keysFromConfig } from '../src/auth/token-verifier';
import { loadConfig } from '../src/config';
import { createDataSource } from '../src/db/data-source';
import { installPgTypeParsers } from '../src/db/pg-types';
import { createBareApp } from './bare';

async function main(): Promise<void> {
  installPgTypeParsers();
  const config = loadConfig();
  const ds = createDataSource({ url: config.databaseUrl! });
  await ds.initialize();
  const verifyToken = createTokenVerifier({ issuer: config.jwt.issuer, audience: config.jwt.audience, keys: keysFromConfig(config.jwt) });
  const { app } = await createBareApp(ds, verifyToken);
  app.listen(config.port, config.host);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
