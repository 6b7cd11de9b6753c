import type { ApolloServerPlugin, GraphQLRequestContext } from '@apollo/server';
import type { RequestHandler, Response } from 'express';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { DataSource } from 'typeorm';
import type { Context } from '../context';
import { Category } from '../entities/enums';
import { FIELD_CATEGORIES, isCategory } from '../permissions/fields';

/**
 * Prometheus metrics of one app instance (SPEC §12, issue 8): requests by operation and outcome,
 * latency, denied fields by category, access-log writes, database pool use.
 *
 * Cost per request is constant: one `finish` listener, two pre-bound child metric updates and
 * at most one update per data category, all after the response has been sent. Nothing runs
 * per field while the request executes — denied fields are read afterwards from the decisions
 * the access service already keeps for the access log.
 *
 * Each app has a registry of its own (not prom-client's global one), so several apps in one
 * process (tests) do not share counters.
 */

/** At most this many distinct operation names become label values; the rest count as `other`. */
const MAX_OPERATIONS = 100;
/**
 * Operation names come from clients: a bounded set of label values keeps a client that sends a
 * new name with every request from growing the metrics without limit. Resolved names are GraphQL
 * names already (`[_A-Za-z][_0-9A-Za-z]*`); the length cap is belt and braces.
 */
const OPERATION_NAME = /^[_A-Za-z][_0-9A-Za-z]{0,63}$/;
const ERROR_CODE = /^[A-Z][A-Z_]{0,39}$/;

/** Outcome of a request that never reached GraphQL execution, from its HTTP status. */
const STATUS_OUTCOME: Record<number, string> = { 400: 'BAD_REQUEST', 401: 'UNAUTHENTICATED', 403: 'FORBIDDEN', 413: 'QUERY_TOO_COMPLEX', 429: 'RATE_LIMITED', 503: 'UNAVAILABLE' };

/** `Type.field` → its data category, for the categorised fields of the policy (and the categories themselves). */
const CATEGORY_OF_PATH = new Map<string, Category>();
for (const [typeName, fields] of Object.entries(FIELD_CATEGORIES)) {
  for (const [field, decision] of Object.entries(fields)) if (isCategory(decision)) CATEGORY_OF_PATH.set(`${typeName}.${field}`, decision);
}
// A refused write that names no field is recorded under its category.
for (const c of Object.values(Category)) CATEGORY_OF_PATH.set(c, c);

interface Observation {
  started: bigint;
  operation?: string;
  response?: GraphQLRequestContext<Context>['response'];
  /** Code of the first error Apollo met (parse and validation errors never reach `response.body`). */
  firstError?: string;
  context?: Context;
}

const OBSERVATION = Symbol('kluis.metrics.observation');
/**
 * A request → the metrics of its app, for code that has only the context (the log writers).
 * Keyed by the request's AccessService: Apollo hands plugins and resolvers a shallow clone of
 * the context object, so the context itself is not a stable key, while what it holds is.
 */
const metricsOfRequest = new WeakMap<Context['access'], KluisMetrics>();

export type LogWriteKind = 'read' | 'write';

export interface MetricsOptions {
  /** Process metrics (CPU, memory, event-loop lag, GC) too: for a server, not for tests. */
  processMetrics?: boolean;
}

export class KluisMetrics {
  readonly registry = new Registry();
  private readonly requests: Counter<'operation' | 'outcome'>;
  private readonly latency: Histogram<'operation'>;
  private readonly deniedFields: Counter<'category'>;
  private readonly logWrites: Histogram<'kind'>;
  private readonly logFailures: Counter<'kind'>;
  private readonly operations = new Set<string>();
  /** Context → observation: a WeakMap, so nothing of a request outlives it. */
  private readonly observations = new WeakMap<Context['access'], Observation>();
  // Pre-bound children: a label lookup in prom-client hashes the label object on every call.
  private readonly requestChildren = new Map<string, { inc(n?: number): void }>();
  private readonly latencyChildren = new Map<string, { observe(v: number): void }>();

  constructor({ processMetrics = false }: MetricsOptions = {}) {
    const registers = [this.registry];
    this.requests = new Counter({ name: 'kluis_graphql_requests_total', help: 'GraphQL requests by operation name and outcome (ok, or the first error code)', labelNames: ['operation', 'outcome'], registers });
    this.latency = new Histogram({
      name: 'kluis_graphql_request_duration_seconds', help: 'Time from receiving a GraphQL request to the last byte of its response, access-log write included',
      labelNames: ['operation'], buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10], registers,
    });
    this.deniedFields = new Counter({ name: 'kluis_denied_fields_total', help: 'Denied field decisions by data category, as the access log records them (each field path once per dossier and request)', labelNames: ['category'], registers });
    this.logWrites = new Histogram({
      name: 'kluis_access_log_write_duration_seconds', help: 'Duration of access-log appends (read: after execution, write: inside the write transaction)',
      labelNames: ['kind'], buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5], registers,
    });
    this.logFailures = new Counter({ name: 'kluis_access_log_write_failures_total', help: 'Access-log appends that failed (the response was withheld or the write rolled back)', labelNames: ['kind'], registers });
    for (const kind of ['read', 'write'] as const) {
      this.logFailures.labels(kind).inc(0);
    }
    if (processMetrics) collectDefaultMetrics({ register: this.registry, prefix: 'kluis_' });
  }

  /**
   * Express middleware for /graphql, mounted before authentication, so refused requests (401,
   * 429, …) are counted too. The observation is completed when the response has been sent.
   */
  readonly observeRequests: RequestHandler = (_req, res, next) => {
    const obs: Observation = { started: process.hrtime.bigint() };
    (res.locals as Record<symbol, Observation>)[OBSERVATION] = obs;
    res.once('finish', () => this.finish(obs, res));
    next();
  };

  /** Links a request's context to its observation (called where the context is created). */
  attach(ctx: Context, res: Response): void {
    const obs = (res.locals as Record<symbol, Observation | undefined>)[OBSERVATION];
    if (!obs) return;
    obs.context = ctx;
    this.observations.set(ctx.access, obs);
    metricsOfRequest.set(ctx.access, this);
  }

  /** Apollo plugin: the resolved operation name, and the response whose errors give the outcome. */
  plugin(): ApolloServerPlugin<Context> {
    const observations = this.observations;
    return {
      async requestDidStart({ contextValue, response }) {
        const obs = contextValue?.access && observations.get(contextValue.access);
        if (!obs) return;
        // Read once the response has been sent: the access-log plugin may still replace the body
        // (Apollo runs the plugins' willSendResponse hooks concurrently).
        obs.response = response;
        return {
          async didResolveOperation({ operationName }) {
            obs.operation = operationName ?? '(anonymous)';
          },
          async didEncounterErrors({ errors }) {
            obs.firstError ??= codeOf(errors[0]?.extensions?.code);
          },
        };
      },
    };
  }

  private finish(obs: Observation, res: Response): void {
    const operation = this.operationLabel(obs.operation);
    const outcome = (obs.response && outcomeOf(obs.response)) ?? obs.firstError ?? (res.statusCode < 400 ? 'ok' : STATUS_OUTCOME[res.statusCode] ?? `HTTP_${res.statusCode}`);
    this.child(operation, outcome).inc();
    let h = this.latencyChildren.get(operation);
    if (!h) this.latencyChildren.set(operation, (h = this.latency.labels(operation)));
    h.observe(Number(process.hrtime.bigint() - obs.started) / 1e9);
    if (obs.context?.access) this.countDenied(obs.context);
  }

  private child(operation: string, outcome: string) {
    const key = `${operation}\u0000${outcome}`;
    let c = this.requestChildren.get(key);
    if (!c) this.requestChildren.set(key, (c = this.requests.labels(operation, outcome)));
    return c;
  }

  private operationLabel(name: string | undefined): string {
    if (name === undefined) return '(none)';
    if (name === '(anonymous)' || this.operations.has(name)) return name;
    if (!OPERATION_NAME.test(name) || this.operations.size >= MAX_OPERATIONS) return 'other';
    this.operations.add(name);
    return name;
  }

  /** One counter update per category that had denials in this request. */
  private countDenied(ctx: Context): void {
    let tally: Map<string, number> | undefined;
    for (const d of ctx.access.decisions.values()) {
      if (!d.denied.size) continue;
      tally ??= new Map();
      for (const path of d.denied) {
        const category = CATEGORY_OF_PATH.get(path) ?? 'OTHER';
        tally.set(category, (tally.get(category) ?? 0) + 1);
      }
    }
    if (tally) for (const [category, n] of tally) this.deniedFields.labels(category).inc(n);
  }

  /** Times an access-log append; a failure is counted and rethrown. */
  async timeLogWrite<T>(kind: LogWriteKind, work: () => Promise<T>): Promise<T> {
    const started = process.hrtime.bigint();
    try {
      return await work();
    } catch (err) {
      this.logFailures.labels(kind).inc();
      throw err;
    } finally {
      this.logWrites.labels(kind).observe(Number(process.hrtime.bigint() - started) / 1e9);
    }
  }

  /** Database pool gauges, read from the pg pool when scraped (nothing is updated per query). */
  watchPool(ds: DataSource): void {
    const poolOf = () => (ds.driver as unknown as { master?: { totalCount: number; idleCount: number; waitingCount: number; options?: { max?: number } } }).master;
    const gauge = (name: string, help: string, read: (p: NonNullable<ReturnType<typeof poolOf>>) => number | undefined) =>
      new Gauge({
        name, help, registers: [this.registry],
        collect() {
          const pool = poolOf();
          const value = pool ? read(pool) : undefined;
          if (value !== undefined) this.set(value);
        },
      });
    gauge('kluis_db_pool_connections', 'Connections the database pool holds (busy and idle)', (p) => p.totalCount);
    gauge('kluis_db_pool_idle_connections', 'Idle connections in the database pool', (p) => p.idleCount);
    gauge('kluis_db_pool_waiting_requests', 'Queries waiting for a connection from the database pool', (p) => p.waitingCount);
    gauge('kluis_db_pool_max_connections', 'Size limit of the database pool', (p) => p.options?.max);
  }

  /** Express handler serving the registry in the Prometheus text format. */
  readonly serve: RequestHandler = async (_req, res) => {
    res.setHeader('content-type', this.registry.contentType);
    res.setHeader('cache-control', 'no-store');
    res.end(await this.registry.metrics());
  };
}

const codeOf = (code: unknown) => (typeof code === 'string' && ERROR_CODE.test(code) ? code : 'INTERNAL_SERVER_ERROR');

/** `ok`, or the code of the first error of the response body as sent; undefined without a body. */
function outcomeOf(response: GraphQLRequestContext<Context>['response']): string | undefined {
  const body = response.body;
  if (!body) return undefined;
  const errors = body.kind === 'single' ? body.singleResult.errors : body.initialResult.errors;
  return errors?.length ? codeOf(errors[0].extensions?.code) : 'ok';
}

/**
 * Times an access-log append for the request's app metrics, if it has any. A pass-through when
 * metrics are off, so the log writers need not know whether they are.
 */
export function timeLogWrite<T>(ctx: Context, kind: LogWriteKind, work: () => Promise<T>): Promise<T> {
  const metrics = metricsOfRequest.get(ctx.access);
  return metrics ? metrics.timeLogWrite(kind, work) : work();
}
