import { Client } from 'pg';
import { DataSource } from 'typeorm';
import type { Logger as Pino } from 'pino';
import { ENTITIES } from '../entities';
import { MIGRATIONS } from '../../migrations';
import { SnakeNamingStrategy } from './naming.strategy';
import { QueryCounter } from './query-counter';

export interface DataSourceOptions {
  url: string;
  log?: Pino;
  poolSize?: number;
  /**
   * How long a query waits for a connection: the pool is full, or the database does not answer
   * a new connection (a partition, a host that is gone). Default 5 s.
   */
  connectTimeoutMillis?: number;
  /** Server side: PostgreSQL cancels a statement that runs longer (SQLSTATE 57014). Default 15 s. */
  statementTimeoutMillis?: number;
  /**
   * Client side, the backstop for a connection that stopped answering altogether (no RST, no
   * FIN: a network partition), where `statement_timeout` cannot help: the query fails after this
   * long and its connection is discarded. Longer than `statementTimeoutMillis`, so a merely slow
   * statement is still cancelled cleanly by the server. Default 20 s.
   */
  queryTimeoutMillis?: number;
}

const noop = () => undefined;
const isReadTimeout = (err: unknown) => (err as Error | undefined)?.message === 'Query read timeout';

/**
 * A pg Client that discards its connection when a query hits `query_timeout`, and that sends its
 * queries one at a time.
 *
 * Discarding: pg alone only fails the query; the unanswered query stays active on the
 * connection, the pool takes the client back as healthy, and every later query queued on it
 * waits for an answer that never comes (a stuck pool). Ending the client marks it `_ending` at
 * once, so the pool drops it on release, and destroys the socket.
 *
 * One at a time: a query sent while the client still waits for another's answer is queued here,
 * behind it, instead of in pg, which has deprecated queueing (pg 8.19; an error from pg 9).
 * TypeORM's schema builder sends a table's column-type lookups at once on one query runner, and
 * a transaction's query runner is one client for any code that awaits several queries
 * together. An idle client sends at once, as before.
 */
class DiscardingClient extends Client {
  /** Settles when the last query sent through this client has; undefined while none is outstanding. */
  private last: Promise<void> | undefined;

  override query(...args: unknown[]): any {
    const sendNow = () => (super.query as (...a: unknown[]) => unknown)(...args);
    // A submittable (a cursor, a stream): pg returns the object itself, not a promise.
    if (typeof (args[0] as { submit?: unknown } | undefined)?.submit === 'function') return sendNow();
    const end = args.length - 1;
    if (typeof args[end] === 'function') {
      // Callback style: the pool's own `pool.query`, which holds the client for that query alone.
      const callback = args[end] as (err: unknown, res: unknown) => void;
      args[end] = (err: unknown, res: unknown) => {
        this.discardOn(err);
        callback(err, res);
      };
      return sendNow();
    }
    const send = () =>
      (sendNow() as Promise<unknown>).catch((err: unknown) => {
        this.discardOn(err);
        throw err;
      });
    const result = this.last ? this.last.then(send, send) : send();
    const settled = result.then(noop, noop);
    this.last = settled;
    void settled.then(() => {
      if (this.last === settled) this.last = undefined;
    });
    return result;
  }

  private discardOn(err: unknown): void {
    if (isReadTimeout(err)) void this.end().catch(noop);
  }
}

/**
 * The one TypeORM DataSource of a process. `synchronize` stays off everywhere: the schema is
 * what the migrations say, and a test checks that the entities agree with them.
 *
 * When PostgreSQL goes away (test/resilience): a refused or reset connection fails the query at
 * once; an unanswered connect fails after `connectTimeoutMillis`; an unanswered query after
 * `queryTimeoutMillis`. Broken clients are dropped by the pool (pg-pool discards a client that
 * errored or ended; TypeORM listens for pool errors, so an idle connection dying does not crash
 * the process), and new connections are opened on demand, so the pool recovers by itself once
 * the database is back.
 */
export function createDataSource({
  url, log, poolSize = 10, connectTimeoutMillis = 5_000, statementTimeoutMillis = 15_000, queryTimeoutMillis = 20_000,
}: DataSourceOptions): DataSource {
  return new DataSource({
    type: 'postgres',
    url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'kluis_migrations',
    synchronize: false,
    // gen_random_uuid() is built into PostgreSQL 13+; the application role must not need CREATE EXTENSION.
    uuidExtension: 'pgcrypto',
    installExtensions: false,
    namingStrategy: new SnakeNamingStrategy(),
    logger: new QueryCounter(log) as never,
    logging: ['query', 'error', 'warn'],
    extra: {
      max: poolSize,
      // A request never waits forever on a stuck database (SPEC §12: no hang past a timeout).
      connectionTimeoutMillis: connectTimeoutMillis,
      statement_timeout: statementTimeoutMillis,
      query_timeout: Math.max(queryTimeoutMillis, statementTimeoutMillis + 1_000),
      idle_in_transaction_session_timeout: 30_000,
      // TCP keepalive: an idle connection to a host that vanished is noticed and dropped by the OS.
      keepAlive: true,
      keepAliveInitialDelayMillis: 10_000,
      Client: DiscardingClient,
      application_name: 'kluis',
      // PostgreSQL's default random_page_cost (4) models a spinning disk. Kluis's hot rows
      // (dossiers, assignments, relationship rows) are in memory or on SSD, where an index probe
      // costs about what a sequential page does: at 4 the planner scanned all 10,000 dossiers of
      // an organisation to find a caseload of 50 (1.1 ms) rather than probe the primary key 50
      // times (0.3 ms). Sent at connect, like statement_timeout; behind PgBouncer, which refuses
      // such startup parameters, set both on the role instead (docs/scaling.md).
      options: '-c random_page_cost=1.1',
    },
  });
}

/** Number of SQL statements the DataSource has sent since it started. */
export function statementCount(ds: DataSource): number {
  return (ds.logger as unknown as QueryCounter).statements;
}
