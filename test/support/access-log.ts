import type { DataSource } from 'typeorm';
import type { AccessLogEventInput } from '../../src/audit/access-log';
import type { GqlResult } from './test-app';

/** One row of `access_log_event` as PostgreSQL returns it (snake_case columns). */
export interface LoggedEvent extends Omit<AccessLogEventInput, 'occurred_at'> {
  id: string;
  occurred_at: Date;
  chain_shard: number;
  chain_seq: string;
  batch_pos: number;
  batch_size: number;
  /** The partition of access_log_batch the event's batch row is stored in. */
  partition: string;
}

const SELECT = `SELECT e.*, e.chain_seq::text AS chain_seq, x.tableoid::regclass::text AS partition FROM access_log_event e
    JOIN access_log_batch x ON (x.organisation_id, x.chain_shard, x.chain_seq, x.occurred_at) = (e.organisation_id, e.chain_shard, e.chain_seq, e.occurred_at)`;

/** The request id of a response (the `x-request-id` header, which every event of the request carries). */
export function requestIdOf(res: GqlResult): string {
  const id = res.response.headers['x-request-id'];
  if (typeof id !== 'string' || !id) throw new Error('response without x-request-id');
  return id;
}

/** The events of one request, ordered by dossier and action. */
export async function eventsOf(ds: DataSource, requestIdOrResponse: string | GqlResult): Promise<LoggedEvent[]> {
  const requestId = typeof requestIdOrResponse === 'string' ? requestIdOrResponse : requestIdOf(requestIdOrResponse);
  // Through the request's batch row: the view finds an event's request per event, so filtering
  // it on request_id would look up every event's batch first.
  return ds.query(
    `${SELECT} WHERE (e.organisation_id, e.chain_shard, e.chain_seq, e.occurred_at) IN
       (SELECT organisation_id, chain_shard, chain_seq, occurred_at FROM access_log_batch WHERE request_id = $1)
     ORDER BY e.dossier_id NULLS FIRST, e.action, e.batch_pos`,
    [requestId],
  );
}

/** Every event about a dossier, oldest first. */
export async function eventsOfDossier(ds: DataSource, dossierId: string): Promise<LoggedEvent[]> {
  return ds.query(`${SELECT} WHERE e.batch_dossier_ids @> ARRAY[$1]::uuid[] AND e.dossier_id = $1 ORDER BY e.occurred_at, e.chain_seq, e.batch_pos`, [dossierId]);
}

/** Every event of an organisation, oldest first. */
export async function eventsOfOrganisation(ds: DataSource, organisationId: string): Promise<LoggedEvent[]> {
  return ds.query(`${SELECT} WHERE e.organisation_id = $1 ORDER BY e.occurred_at, e.chain_seq, e.batch_pos`, [organisationId]);
}

/** Number of events in the whole log. */
export async function eventCount(ds: DataSource): Promise<number> {
  return (await ds.query('SELECT count(*)::int AS n FROM access_log_event'))[0].n;
}

/** The request ids (in order of first appearance) of the events about a dossier. */
export async function requestIdsOfDossier(ds: DataSource, dossierId: string): Promise<string[]> {
  return [...new Set((await eventsOfDossier(ds, dossierId)).map((e) => e.request_id))];
}
