/**
 * Recognises the errors of a database that is away or not answering — as opposed to an error
 * in a query. They are expected in operation (a failover, a restart, a partition) and
 * transient, so a client is told so plainly ("try again") instead of getting a bare internal
 * error; nothing of the error itself (host, port, SQL) is passed on.
 */

/** Socket errors of a connection that could not be opened or was lost. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'EHOSTDOWN', 'ENETUNREACH', 'ENETDOWN', 'ENOTFOUND', 'EAI_AGAIN',
]);

/**
 * SQLSTATEs of a server that is going or not taking connections: class 08 (connection
 * exception), 57P01 admin_shutdown, 57P02 crash_shutdown, 57P03 cannot_connect_now (starting up,
 * in recovery), 53300 too_many_connections.
 */
const UNAVAILABLE_SQLSTATE = /^(08[0-9A-Z]{3}|57P0[123]|53300)$/;

/** 57014 query_canceled: `statement_timeout` (or an administrator) cancelled the statement. */
const TIMEOUT_SQLSTATE = '57014';

/** What pg and pg-pool say when a connection is lost, cannot be opened in time, or a query gets no answer. */
const UNAVAILABLE_MESSAGES = [
  /^Connection terminated( unexpectedly| due to connection timeout)?$/,
  /^timeout exceeded when trying to connect$/,
  /^Client has encountered a connection error and is not queryable$/,
  /^Client was closed and is not queryable$/,
];
const TIMEOUT_MESSAGES = [/^Query read timeout$/];

export type DatabaseFault = 'unavailable' | 'timeout';

interface ErrorLike {
  code?: unknown;
  message?: unknown;
  driverError?: unknown;
  cause?: unknown;
}

/**
 * `'unavailable'` for a database that cannot be reached or dropped the connection, `'timeout'`
 * for one that did not answer in time, `null` for anything else. Looks through TypeORM's
 * `QueryFailedError.driverError` and `cause` chains.
 */
export function databaseFault(error: unknown, depth = 0): DatabaseFault | null {
  if (!error || typeof error !== 'object' || depth > 4) return null;
  const e = error as ErrorLike;
  const code = typeof e.code === 'string' ? e.code : undefined;
  const message = typeof e.message === 'string' ? e.message : '';
  if (code && (NETWORK_CODES.has(code) || UNAVAILABLE_SQLSTATE.test(code))) return 'unavailable';
  if (code === TIMEOUT_SQLSTATE) return 'timeout';
  if (UNAVAILABLE_MESSAGES.some((m) => m.test(message))) return 'unavailable';
  if (TIMEOUT_MESSAGES.some((m) => m.test(message))) return 'timeout';
  // AggregateError (a host name resolving to several addresses, each refused).
  const nested = (error as { errors?: unknown }).errors;
  if (Array.isArray(nested) && nested.length && nested.every((n) => databaseFault(n, depth + 1) === 'unavailable')) return 'unavailable';
  return databaseFault(e.driverError, depth + 1) ?? databaseFault(e.cause, depth + 1);
}

/** The message a client gets for each fault: no host, port, SQL or driver text. */
export const DATABASE_FAULT_MESSAGES: Record<DatabaseFault, string> = {
  unavailable: 'The database is not available at the moment, so the request could not be completed. Try again shortly.',
  timeout: 'The database did not answer in time, so the request could not be completed. Try again shortly.',
};
