/**
 * The bare baseline server for `npm run bench` (see bare.ts): started by the harness only,
 * with the same configuration, database, keys and port as the real server's process gets.
 */
import 'reflect-metadata';
import { loadAuditKey } from '../src/audit/audit-key';
import { createTokenVerifier, keysFromConfig } from '../src/auth/token-verifier';
import { loadConfig } from '../src/config';
import { createDataSource } from '../src/db/data-source';
import { installPgTypeParsers } from '../src/db/pg-types';
import { loadAllowlist } from '../src/http/operation-allowlist';
import { createLogger } from '../src/logger';
import { createBareApp } from './bare';

async function main(): Promise<void> {
  installPgTypeParsers();
  const config = loadConfig();
  const log = createLogger(config.logLevel);
  const ds = createDataSource({ url: config.databaseUrl!, log });
  await ds.initialize();
  const verifyToken = createTokenVerifier({ issuer: config.jwt.issuer, audience: config.jwt.audience, keys: keysFromConfig(config.jwt) });
  const { app } = await createBareApp({
    ds, verifyToken, log, production: config.env === 'production', auditKey: loadAuditKey(process.env, config.dataDir, config.env === 'production'),
    limits: { ratePerMinute: config.rateLimitPerMinute, partnerOperations: config.partnerOperationsFile ? loadAllowlist(config.partnerOperationsFile) : {} },
  });
  app.listen(config.port, config.host);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
