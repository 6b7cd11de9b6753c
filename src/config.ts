import path from 'node:path';

export type NodeEnv = 'production' | 'development' | 'test';

export interface Config {
  env: NodeEnv;
  /** Unset: start an embedded PostgreSQL under `dataDir` (SPEC §13). */
  databaseUrl?: string;
  port: number;
  host: string;
  jwt: { issuer: string; audience: string; jwksUrl?: string; jwksFile?: string };
  runMigrations: boolean;
  /** undefined = the default: seed only the embedded database, once. */
  seedDemo?: boolean;
  dataDir: string;
  logLevel: string;
  /** Requests per minute per token subject (partner: per client application). */
  rateLimitPerMinute: number;
  /** JSON file: per partner client id, the operations it may run by sha256 hash. */
  partnerOperationsFile?: string;
  /**
   * Prometheus metrics: collected when enabled; served at GET /metrics on the API port, or only
   * on a listener of their own when `port` is set (METRICS_PORT).
   */
  metrics: { enabled: boolean; port?: number };
}

/** Thrown for a configuration the service must refuse to start with. */
export class ConfigError extends Error {}

function positiveInt(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new ConfigError(`${name} must be a positive whole number, got ${value}`);
  return n;
}

/**
 * METRICS (on/off) and METRICS_PORT. Metrics reveal operation names, error rates and pool use:
 * off by default in production, where they are reachable only when the operator says so —
 * preferably on METRICS_PORT, a port that is not published to clients.
 */
function metricsConfig(env: NodeJS.ProcessEnv, production: boolean): Config['metrics'] {
  const flag = env.METRICS?.toLowerCase();
  if (flag !== undefined && flag !== '' && !['on', 'off', '1', '0'].includes(flag)) throw new ConfigError(`METRICS must be on or off, got ${env.METRICS}`);
  const port = env.METRICS_PORT ? Number(env.METRICS_PORT) : undefined;
  if (port !== undefined && (!Number.isInteger(port) || port < 1 || port > 65535)) throw new ConfigError(`METRICS_PORT must be a port number, got ${env.METRICS_PORT}`);
  const off = flag === 'off' || flag === '0';
  if (off && port !== undefined) throw new ConfigError('METRICS=off contradicts METRICS_PORT');
  return { enabled: port !== undefined || flag === 'on' || flag === '1' || (!off && !production), port };
}

/**
 * Reads the environment of SPEC §13. Production refuses to start without trusted signing keys,
 * so the development key pair can never sign tokens for a production server.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const nodeEnv: NodeEnv = env.NODE_ENV === 'production' ? 'production' : env.NODE_ENV === 'test' ? 'test' : 'development';
  const production = nodeEnv === 'production';
  const jwksUrl = env.JWKS_URL || undefined;
  const jwksFile = env.JWKS_FILE || undefined;
  if (production && !jwksUrl && !jwksFile) {
    throw new ConfigError('NODE_ENV=production requires JWKS_URL or JWKS_FILE: development keys are never used in production');
  }
  if (production && (!env.JWT_ISSUER || !env.JWT_AUDIENCE)) {
    throw new ConfigError('NODE_ENV=production requires JWT_ISSUER and JWT_AUDIENCE');
  }
  if (production && env.SEED_DEMO === '1') {
    throw new ConfigError('SEED_DEMO is never allowed in production');
  }
  const port = Number(env.PORT ?? 4000);
  const metrics = metricsConfig(env, production);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ConfigError(`PORT must be a port number, got ${env.PORT}`);
  return {
    env: nodeEnv,
    databaseUrl: env.DATABASE_URL || undefined,
    port,
    host: env.HOST || '127.0.0.1',
    jwt: {
      issuer: env.JWT_ISSUER || 'https://kluis.localhost/dev-issuer',
      audience: env.JWT_AUDIENCE || 'kluis',
      jwksUrl,
      jwksFile,
    },
    runMigrations: env.MIGRATIONS !== 'skip',
    seedDemo: env.SEED_DEMO === undefined ? undefined : env.SEED_DEMO === '1',
    dataDir: path.resolve(env.KLUIS_DATA_DIR || '.data'),
    logLevel: env.LOG_LEVEL || (nodeEnv === 'test' ? 'silent' : 'info'),
    rateLimitPerMinute: positiveInt(env.RATE_LIMIT_PER_MINUTE, 600, 'RATE_LIMIT_PER_MINUTE'),
    partnerOperationsFile: env.PARTNER_OPERATIONS_FILE || undefined,
    metrics,
  };
}
