import { ApolloServer, ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import express, { Express, Request } from 'express';
import { GraphQLError, GraphQLSchema } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import type { TokenVerifier } from './auth/token-verifier';
import type { RequestMeta } from './audit/access-log';
import type { Viewer } from './auth/viewer';
import { Context, createContext } from './context';
import { ErrorCode } from './errors/errors';
import { accessLogPlugin } from './audit/access-log.plugin';
import { AccessLogWriter } from './audit/access-log-writer';
import { preparedStatements } from './db/prepared';
import { CLIENT_CODES, createErrorFormatter, loggableError } from './errors/format-error';
import { authenticate, viewerOfResponse } from './http/authenticate';
import { operationAllowlist, OperationAllowlist } from './http/operation-allowlist';
import { mountClientPortal } from './http/portal';
import { armorProtection, costLimitPlugin, tokenLimit } from './http/query-limits';
import { rateLimitPerSubject } from './http/rate-limit';
import { buildKluisSchema } from './schema/build-schema';
import { ExplorerOptions, mountExplorer } from './dx/explorer';
import { KluisMetrics } from './dx/metrics';

export interface AppOptions {
  ds: DataSource;
  verifyToken: TokenVerifier;
  log: Logger;
  production: boolean;
  /** HMAC key of the access log (src/audit/audit-key.ts). */
  auditKey: Buffer;
  /** Requests per minute per subject, and the partners' operation allowlists. */
  limits?: { ratePerMinute: number; partnerOperations: OperationAllowlist };
  /** The GraphiQL explorer at /graphiql (src/dx/explorer.ts). Development only: ignored in production. */
  explorer?: ExplorerOptions;
  /**
   * Prometheus metrics (src/dx/metrics.ts). Unset: none are collected. `expose`: served at
   * GET /metrics by this app (otherwise the caller serves `metrics.registry`, e.g. on METRICS_PORT).
   */
  metrics?: { expose: boolean; processMetrics?: boolean };
}

export interface KluisApp {
  app: Express;
  apollo: ApolloServer<Context>;
  /** This app's metrics, when enabled. */
  metrics?: KluisMetrics;
}

const REQUEST_ID = /^[A-Za-z0-9-]{8,64}$/;

/**
 * What authorisation and the access log add to the server: the executable schema (shield rules
 * and field guard), the request context with its access service, and the plugin that writes the
 * log. `createApp` always assembles Kluis with its own; nothing a running server reads (options,
 * configuration, environment) can swap it. Only the benchmark harness assembles the same server
 * around a layer of its own, its bare baseline (bench/bare.ts), so that the baseline differs
 * from Kluis in exactly this layer.
 */
export interface AccessLayer {
  schema: GraphQLSchema;
  context(ds: DataSource, viewer: Viewer, meta: RequestMeta, log: Logger, accessLog: AccessLogWriter): Context;
  plugins: ApolloServerPlugin<Context>[];
}

/** Built once per process and shared by its apps (tests start many): a schema holds no request state. */
let kluisSchema: GraphQLSchema | undefined;

/** Builds the HTTP application: /graphql, /healthz, /readyz. Listening is the caller's business. */
export function createApp(options: AppOptions): Promise<KluisApp> {
  return assembleServer(options, { schema: (kluisSchema ??= buildKluisSchema()), context: createContext, plugins: [accessLogPlugin()] });
}

/** The server around an access layer: everything of Kluis's HTTP stack that is not authorisation or the access log. */
export async function assembleServer(
  { ds, verifyToken, log, production, auditKey, limits = { ratePerMinute: 600, partnerOperations: {} }, explorer, metrics: metricsOptions }: AppOptions,
  layer: AccessLayer,
): Promise<KluisApp> {
  const metrics = metricsOptions ? new KluisMetrics({ processMetrics: metricsOptions.processMetrics }) : undefined;
  metrics?.watchPool(ds);
  const armor = armorProtection(production);
  // One writer per app: requests of this process that finish together share a log commit.
  const accessLog = new AccessLogWriter(preparedStatements(ds), auditKey);
  const apollo = new ApolloServer<Context>({
    schema: layer.schema,
    // One operation per request: an array of operations is refused (batching would multiply every limit).
    allowBatchedHttpRequests: false,
    validationRules: armor.validationRules,
    parseOptions: tokenLimit,
    introspection: !production,
    hideSchemaDetailsFromClientErrors: production,
    includeStacktraceInErrorResponses: false,
    formatError: createErrorFormatter(),
    plugins: [
      ...armor.plugins,
      costLimitPlugin(),
      // Apollo's default development landing page loads Apollo Sandbox from a CDN: off everywhere;
      // development has Kluis's own offline explorer at /graphiql instead.
      ApolloServerPluginLandingPageDisabled(),
      // Apollo's cache hints are for shared caches, and no response of Kluis may be kept by one
      // (no-store below). Its plugin also wraps every field resolver to collect them (≈ 0.1 ms
      // per 50-dossier page), so it is off.
      ApolloServerPluginCacheControlDisabled(),
      ...(metrics ? [metrics.plugin()] : []),
      ...layer.plugins,
      {
        // Unexpected errors are logged here, with the request's own logger (so with its request id).
        async requestDidStart() {
          return {
            async didEncounterErrors({ contextValue, errors }) {
              for (const error of errors) {
                const original = unwrapResolverError(error);
                const code = String((error.extensions?.code ?? (original as GraphQLError)?.extensions?.code) ?? '');
                if (!CLIENT_CODES.has(code)) (contextValue?.log ?? log).error({ err: loggableError(original), path: error.path }, 'unexpected error');
              }
            },
          };
        },
      },
    ],
  });
  await apollo.start();

  const app = express();
  app.disable('x-powered-by');
  // Express's default ETag is a SHA-1 of the body: for a small answer (one BSN, a date of birth)
  // a hash that can be brute-forced, in a header proxies and clients log — personal data outside
  // the access log. Nothing here is cached (no-store), so it would validate nothing; it also
  // cost a hash of every response.
  app.set('etag', false);
  app.set('trust proxy', 'loopback');

  app.use((req, res, next) => {
    const given = req.get('x-request-id');
    const requestId = given && REQUEST_ID.test(given) ? given : randomUUID();
    res.locals.requestId = requestId;
    res.setHeader('x-request-id', requestId);
    const started = process.hrtime.bigint();
    // Method, path, status and timing only: never the query string, body, variables or headers.
    res.on('finish', () => {
      log.info({ requestId, method: req.method, path: req.originalUrl.split('?')[0], status: res.statusCode, ms: Number(process.hrtime.bigint() - started) / 1e6, viewer: res.locals.viewerKind }, 'request');
    });
    next();
  });

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });

  app.get('/readyz', async (req, res) => {
    // Database reachable and migrations current (SPEC §12). Answers within 1.5 s even when the
    // database does not (an unanswered connect waits up to 5 s), and runs one probe at a time
    // however often it is polled, so probes never pile up on the pool while the database is away.
    const locals = req.app.locals as { readinessProbe?: Promise<string | null> };
    locals.readinessProbe ??= (async () => {
      await ds.query('SELECT 1');
      return (await ds.showMigrations()) ? 'migrations pending' : null;
    })()
      .catch(() => 'database unreachable')
      .finally(() => {
        locals.readinessProbe = undefined;
      });
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<string>((resolve) => {
      timer = setTimeout(() => resolve('database unreachable'), 1_500);
    });
    const reason = await Promise.race([locals.readinessProbe, late]).finally(() => clearTimeout(timer));
    if (reason) return void res.status(503).json({ status: 'not ready', reason });
    res.json({ status: 'ready' });
  });

  // Never in production, whatever the caller passes: the explorer hands out development tokens.
  if (explorer && !production) mountExplorer(app, explorer, log);
  // The client portal (development only; its demo sign-in reuses the explorer's demo tokens).
  mountClientPortal(app, { production, demoTokens: explorer?.demoTokens });
  if (metrics) {
    if (metricsOptions?.expose) app.get('/metrics', metrics.serve);
    // Before authentication, so refused requests (401, 429, …) are counted too.
    app.use('/graphql', metrics.observeRequests);
  }

  app.use(
    '/graphql',
    (_req, res, next) => {
      // Dossier data, errors included: never kept by a browser, proxy or CDN cache.
      res.setHeader('cache-control', 'no-store');
      next();
    },
    express.json({ limit: '256kb' }),
    authenticate(verifyToken),
    rateLimitPerSubject(limits.ratePerMinute),
    operationAllowlist(limits.partnerOperations),
    expressMiddleware(apollo, {
      context: async ({ req, res }) => {
        const viewer = viewerOfResponse(res);
        const requestId = res.locals.requestId as string;
        const operationName = typeof req.body?.operationName === 'string' ? req.body.operationName : null;
        const ctx = layer.context(ds, viewer, { requestId, operationName, sourceAddress: req.ip ?? null }, log.child({ requestId }), accessLog);
        metrics?.attach(ctx, res);
        return ctx;
      },
    }),
  );

  // Bodies past the limit, or not JSON: a GraphQL-shaped error instead of Express's HTML page.
  app.use((err: { type?: string; status?: number }, _req: Request, res: express.Response, next: express.NextFunction) => {
    if (err?.type === 'entity.too.large') {
      return void res.status(413).json({ errors: [{ message: 'Request body too large', extensions: { code: ErrorCode.QUERY_TOO_COMPLEX } }] });
    }
    if (err?.type === 'entity.parse.failed') {
      return void res.status(400).json({ errors: [{ message: 'Request body is not valid JSON', extensions: { code: 'BAD_REQUEST' } }] });
    }
    next(err);
  });

  return { app, apollo, metrics };
}
