import { MigrationInterface, QueryRunner } from 'typeorm';
import { createEventTableV1, ENSURE_PARTITIONS_V1 } from './1763900001000-access-log';
import { APPEND_FUNCTION_V2 } from './1764000004000-access-log-shapes';

/** What the events of one batch share (the request) and what each event's shape says, per column. */
const SHAPE_COLUMNS = [
  ['shape_action', 'action'], ['shape_relationship', 'relationship'], ['shape_outcome', 'outcome'], ['shape_authorisation', 'check_authorisation'],
  ['shape_care_relationship', 'check_care_relationship'], ['shape_consent', 'check_consent'], ['shape_emergency', 'check_emergency'],
  ['shape_purpose', 'purpose'], ['shape_legal_basis', 'legal_basis_ref'],
] as const;
const FIELD_LISTS = [['shape_granted', 'granted_fields'], ['shape_denied', 'denied_fields'], ['shape_pseudonymised', 'pseudonymised_fields']] as const;
const REQUEST_COLUMNS = 'actor_sub, actor_role, actor_person_id, client_app, request_id, operation_name, source_address, batch_size, batch_mac, prev_hash, chain_hash';

/**
 * One row per logged event with every column the log has always had: what every reader
 * (searches, the client's view, audit:verify, exports) reads. Field lists travel comma-joined
 * inside a shape (paths never contain commas).
 *
 * Each event finds its batch by the batch's key, one partition at a time (`OFFSET 0` keeps the
 * lateral lookup from being flattened into a join). Measured on 10 million events: as a plain
 * join the planner, which cannot cost the pruning of the batch partitions per event, hashed
 * every batch row of the organisation — "who accessed dossier X" took 22 ms; this way 5 ms.
 */
export const EVENT_SELECT = `SELECT e.id, e.organisation_id, e.occurred_at, b.actor_sub, b.actor_role, b.shape_relationship[e.shape] AS relationship,
    b.actor_person_id, b.client_app, b.shape_action[e.shape] AS action, e.dossier_id, e.subject_person_id,
    string_to_array(b.shape_granted[e.shape], ',')::varchar(100)[] AS granted_fields,
    string_to_array(b.shape_denied[e.shape], ',')::varchar(100)[] AS denied_fields,
    string_to_array(b.shape_pseudonymised[e.shape], ',')::varchar(100)[] AS pseudonymised_fields,
    b.shape_outcome[e.shape] AS outcome, b.shape_authorisation[e.shape] AS check_authorisation,
    b.shape_care_relationship[e.shape] AS check_care_relationship, b.shape_consent[e.shape] AS check_consent,
    b.shape_emergency[e.shape] AS check_emergency, b.shape_purpose[e.shape] AS purpose, b.shape_legal_basis[e.shape] AS legal_basis_ref,
    b.request_id, b.operation_name, b.source_address, e.chain_shard, e.chain_seq, e.batch_pos, b.batch_size, b.batch_mac, b.prev_hash, b.chain_hash
  FROM access_log_entry e
  CROSS JOIN LATERAL (SELECT * FROM access_log_batch b WHERE b.organisation_id = e.organisation_id AND b.chain_shard = e.chain_shard
    AND b.chain_seq = e.chain_seq AND b.occurred_at = e.occurred_at OFFSET 0) b`;

/** Both log tables' monthly partitions from one month to another, moving rows out of DEFAULT where needed. */
export const PARTITIONS_BETWEEN = `CREATE FUNCTION kluis_access_log_partitions_between(first_month date, last_month date) RETURNS integer
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
  DECLARE
    m date := date_trunc('month', first_month)::date;
    next date;
    created integer := 0;
    t text;
    name text;
    waiting boolean;
  BEGIN
    WHILE m <= last_month LOOP
      next := (m + interval '1 month')::date;
      FOREACH t IN ARRAY ARRAY['access_log_batch', 'access_log_entry'] LOOP
        name := t || '_' || to_char(m, 'YYYY_MM');
        CONTINUE WHEN to_regclass(name) IS NOT NULL;
        EXECUTE format('SELECT EXISTS (SELECT 1 FROM %I WHERE occurred_at >= %L AND occurred_at < %L)', t || '_default', m, next) INTO waiting;
        IF waiting THEN
          -- Rows of this month already sit in DEFAULT (partitions were not made ahead in time):
          -- move them into the new month's table, then attach it. Same rows, same chain; one
          -- transaction, so a reader sees them either here or there.
          EXECUTE format('CREATE TABLE %I (LIKE %I INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', name, t);
          EXECUTE format('WITH moved AS (DELETE FROM %I WHERE occurred_at >= %L AND occurred_at < %L RETURNING *) INSERT INTO %I SELECT * FROM moved',
                         t || '_default', m, next, name);
          EXECUTE format('ALTER TABLE %I ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)', t, name, m, next);
        ELSE
          EXECUTE format('CREATE TABLE %I PARTITION OF %I FOR VALUES FROM (%L) TO (%L)', name, t, m, next);
        END IF;
        created := created + 1;
      END LOOP;
      m := next;
    END LOOP;
    RETURN created;
  END $$`;

const ENSURE_PARTITIONS_V2 = `CREATE OR REPLACE FUNCTION kluis_ensure_access_log_partitions(months_ahead integer) RETURNS integer
  LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT kluis_access_log_partitions_between(date_trunc('month', now() - interval '1 month')::date,
                                               (date_trunc('month', now()) + make_interval(months => months_ahead))::date)
  $$`;

/** The narrow per-event table with its indexes (dropped again by 1764000007000, whose `down` restores it). */
export async function createEntryTable(q: QueryRunner): Promise<void> {
  await q.query(`CREATE TABLE access_log_entry (
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    organisation_id uuid NOT NULL,
    dossier_id uuid,
    subject_person_id uuid,
    occurred_at timestamptz(3) NOT NULL,
    chain_seq bigint NOT NULL,
    chain_shard smallint NOT NULL,
    batch_pos integer NOT NULL,
    shape integer NOT NULL CHECK (shape >= 1)
  ) PARTITION BY RANGE (occurred_at)`);
  await q.query(`CREATE TABLE access_log_entry_default PARTITION OF access_log_entry DEFAULT`);
  // The same two indexes as before, now on the narrow rows; the batch's primary key joins an
  // event to its request. Nothing else: the log is written on every read.
  await q.query(`CREATE INDEX access_log_entry_dossier_time ON access_log_entry (dossier_id, occurred_at DESC)`);
  await q.query(`CREATE INDEX access_log_entry_org_time ON access_log_entry (organisation_id, occurred_at DESC)`);
}

export const APPEND_FUNCTION_V3 = `CREATE OR REPLACE FUNCTION kluis_append_access_log(
    p_organisation uuid, p_shard integer, p_batch_mac bytea,
    p_occurred_at timestamptz, p_actor_sub text, p_actor_role text, p_actor_person_id uuid, p_client_app text,
    p_request_id text, p_operation_name text, p_source_address text,
    p_dossier_ids uuid[], p_subject_ids uuid[], p_shapes integer[],
    p_actions text[], p_relationships text[], p_granted text[], p_denied text[], p_pseudonymised text[], p_outcomes text[],
    p_authorisation boolean[], p_care_relationship boolean[], p_consent boolean[], p_emergency boolean[], p_purposes text[],
    p_legal_basis text[]) RETURNS bigint
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
  DECLARE
    v_seq bigint;
    v_prev bytea;
    v_head bytea;
    v_size integer := coalesce(array_length(p_shapes, 1), 0);
    v_kinds integer := coalesce(array_length(p_actions, 1), 0);
    v_rows integer;
  BEGIN
    IF v_size = 0 THEN RAISE EXCEPTION 'empty access log batch'; END IF;
    IF array_length(p_dossier_ids, 1) IS DISTINCT FROM v_size OR array_length(p_subject_ids, 1) IS DISTINCT FROM v_size THEN
      RAISE EXCEPTION 'access log batch arrays differ in length';
    END IF;
    -- Every shape array has one entry per shape (the batch table's CHECK), and every event names an existing shape.
    IF EXISTS (SELECT 1 FROM unnest(p_shapes) s WHERE s IS NULL OR s < 1 OR s > v_kinds) THEN
      RAISE EXCEPTION 'access log batch shapes are inconsistent';
    END IF;
    -- One chain per organisation and shard, started on first use from a fixed genesis. Its
    -- head row is the only lock taken, and only by requests of the same organisation and shard.
    INSERT INTO access_log_chain (organisation_id, shard, seq, head)
    VALUES (p_organisation, p_shard, 0, sha256(convert_to('kluis-access-log-genesis:' || p_organisation || ':' || p_shard, 'UTF8')))
    ON CONFLICT DO NOTHING;
    SELECT seq, head INTO v_seq, v_prev FROM access_log_chain WHERE organisation_id = p_organisation AND shard = p_shard FOR UPDATE;
    v_seq := v_seq + 1;
    v_head := sha256(v_prev || p_batch_mac);
    UPDATE access_log_chain SET seq = v_seq, head = v_head WHERE organisation_id = p_organisation AND shard = p_shard;
    INSERT INTO access_log_batch (organisation_id, occurred_at, chain_shard, chain_seq, ${REQUEST_COLUMNS},
      shape_action, shape_relationship, shape_granted, shape_denied, shape_pseudonymised, shape_outcome, shape_authorisation,
      shape_care_relationship, shape_consent, shape_emergency, shape_purpose, shape_legal_basis)
    VALUES (p_organisation, p_occurred_at, p_shard, v_seq, p_actor_sub, p_actor_role, p_actor_person_id, p_client_app, p_request_id,
      p_operation_name, p_source_address, v_size, p_batch_mac, v_prev, v_head,
      p_actions, p_relationships, p_granted, p_denied, p_pseudonymised, p_outcomes, p_authorisation,
      p_care_relationship, p_consent, p_emergency, p_purposes, p_legal_basis);
    INSERT INTO access_log_entry (organisation_id, occurred_at, chain_shard, chain_seq, batch_pos, dossier_id, subject_person_id, shape)
    SELECT p_organisation, p_occurred_at, p_shard, v_seq, (u.pos - 1)::integer, u.dossier_id, u.subject_id, u.shape
    FROM unnest(p_dossier_ids, p_subject_ids, p_shapes) WITH ORDINALITY AS u(dossier_id, subject_id, shape, pos);
    GET DIAGNOSTICS v_rows = ROW_COUNT;
    IF v_rows <> v_size THEN RAISE EXCEPTION 'access log batch arrays differ in length'; END IF;
    RETURN v_seq;
  END $$`;

export const readOnly = `DO $$ BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'kluis_app') THEN
      EXECUTE 'GRANT SELECT ON access_log_event, access_log_batch, access_log_entry TO kluis_app';
    END IF;
  END $$`;

/**
 * The access log as a batch row per request and a narrow row per event (SPEC §6). Until now
 * every event repeated its request's facts (actor, role, client, request id, operation,
 * address, chain columns and HMAC) and its field lists: at 200 dossiers PostgreSQL spent most of
 * the write on those wide rows. Now:
 * - `access_log_batch`: one row per request — who, from where, the chain position and HMAC, and
 *   the request's distinct event shapes (action, relationship, field lists, outcome, the four
 *   checks, purpose, legal basis), as arrays;
 * - `access_log_entry`: one row per event — dossier, subject, position, shape number;
 * - `access_log_event`: a view joining them into exactly the rows and columns the log had, so
 *   every reader and the HMAC's canonical form are unchanged.
 * Both tables are partitioned by month like the old one; `kluis_app` may only read them.
 *
 * Existing events are converted in place, HMACs and chain hashes copied as they are: a log that
 * verified before verifies after. A batch whose events disagree about their request (a tampered
 * log) makes the conversion fail rather than hide it (or, for a changed time, stay reported by
 * audit:verify): run `npm run audit:verify` first.
 */
export class AccessLogBatches1764000005000 implements MigrationInterface {
  name = 'AccessLogBatches1764000005000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE access_log_event RENAME TO access_log_event_v1`);
    await q.query(`CREATE TABLE access_log_batch (
      organisation_id uuid NOT NULL,
      occurred_at timestamptz(3) NOT NULL,
      chain_shard smallint NOT NULL,
      chain_seq bigint NOT NULL,
      actor_sub varchar(200) NOT NULL,
      actor_role varchar(30) NOT NULL,
      actor_person_id uuid,
      client_app varchar(200),
      request_id varchar(64) NOT NULL,
      operation_name varchar(200),
      source_address varchar(64),
      batch_size integer NOT NULL,
      batch_mac bytea NOT NULL,
      prev_hash bytea NOT NULL,
      chain_hash bytea NOT NULL,
      shape_action varchar(20)[] NOT NULL CHECK (shape_action <@ ARRAY['CREATE','READ','UPDATE','DELETE','EXPORT','SEARCH','EMERGENCY','LOG_READ']::varchar(20)[]),
      shape_relationship varchar(100)[] NOT NULL,
      shape_granted text[] NOT NULL,
      shape_denied text[] NOT NULL,
      shape_pseudonymised text[] NOT NULL,
      shape_outcome varchar(10)[] NOT NULL CHECK (shape_outcome <@ ARRAY['GRANTED','DENIED']::varchar(10)[]),
      shape_authorisation boolean[] NOT NULL,
      shape_care_relationship boolean[] NOT NULL,
      shape_consent boolean[] NOT NULL,
      shape_emergency boolean[] NOT NULL,
      shape_purpose varchar(20)[] NOT NULL
        CHECK (shape_purpose <@ ARRAY['TREAT','ETREAT','AUDIT','RIGHTS','BILLING','VERWIJSINDEX','CONSENTED_SHARE','LOG_REVIEW']::varchar(20)[]),
      shape_legal_basis varchar(200)[] NOT NULL,
      CHECK (cardinality(shape_action) > 0 AND ${[...SHAPE_COLUMNS, ...FIELD_LISTS]
        .slice(1)
        .map(([c]) => `cardinality(${c}) = cardinality(shape_action)`)
        .join(' AND ')}),
      PRIMARY KEY (organisation_id, chain_shard, chain_seq, occurred_at)
    ) PARTITION BY RANGE (occurred_at)`);
    await q.query(`CREATE TABLE access_log_batch_default PARTITION OF access_log_batch DEFAULT`);
    await createEntryTable(q);

    await q.query(PARTITIONS_BETWEEN);
    await q.query(`REVOKE ALL ON FUNCTION kluis_access_log_partitions_between(date, date) FROM PUBLIC`);
    await q.query(ENSURE_PARTITIONS_V2);
    // Partitions for every month the old log had one for, before its rows move in (what sat in
    // its DEFAULT partition stays in DEFAULT), and the usual year ahead.
    await q.query(`SELECT kluis_access_log_partitions_between(m, m) FROM (
      SELECT DISTINCT date_trunc('month', occurred_at)::date AS m FROM access_log_event_v1 WHERE tableoid <> 'access_log_event_default'::regclass) months`);
    await q.query(`SELECT kluis_ensure_access_log_partitions(12)`);
    const shapeOrder = [...SHAPE_COLUMNS.map(([, c]) => c), ...FIELD_LISTS.map(([, c]) => c)].join(', ');
    await q.query(`WITH shaped AS (
        SELECT e.*, dense_rank() OVER (PARTITION BY organisation_id, chain_shard, chain_seq ORDER BY ${shapeOrder})::integer AS shape
        FROM access_log_event_v1 e
      ), entries AS (
        INSERT INTO access_log_entry (id, organisation_id, dossier_id, subject_person_id, occurred_at, chain_seq, chain_shard, batch_pos, shape)
        SELECT id, organisation_id, dossier_id, subject_person_id, occurred_at, chain_seq, chain_shard, batch_pos, shape FROM shaped
      ), requests AS (
        -- From every event, not one per shape: events of a batch that disagree about their request
        -- (tampered) fail on the batch key instead of being smoothed over. A disagreeing time is part
        -- of the key: it becomes a second batch row with the same shapes, which audit:verify reports.
        SELECT DISTINCT organisation_id, occurred_at, chain_shard, chain_seq, ${REQUEST_COLUMNS} FROM shaped
      ), shapes AS (
        SELECT organisation_id, chain_shard, chain_seq,
          ${SHAPE_COLUMNS.map(([, c]) => `array_agg(${c} ORDER BY shape) AS ${c}`).join(', ')},
          ${FIELD_LISTS.map(([, c]) => `array_agg(array_to_string(${c}, ',') ORDER BY shape) AS ${c}`).join(', ')}
        FROM (SELECT DISTINCT ON (organisation_id, chain_shard, chain_seq, shape) * FROM shaped) one_per_shape
        GROUP BY organisation_id, chain_shard, chain_seq
      )
      INSERT INTO access_log_batch (organisation_id, occurred_at, chain_shard, chain_seq, ${REQUEST_COLUMNS},
        ${[...SHAPE_COLUMNS, ...FIELD_LISTS].map(([c]) => c).join(', ')})
      SELECT r.*, ${[...SHAPE_COLUMNS, ...FIELD_LISTS].map(([, c]) => `s.${c}`).join(', ')}
      FROM requests r JOIN shapes s USING (organisation_id, chain_shard, chain_seq)`);
    await q.query(`DROP TABLE access_log_event_v1`);
    await q.query(`CREATE VIEW access_log_event AS ${EVENT_SELECT}`);
    await q.query(APPEND_FUNCTION_V3);
    await q.query(readOnly);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP VIEW access_log_event`);
    await createEventTableV1(q);
    await q.query(`INSERT INTO access_log_event SELECT * FROM (${EVENT_SELECT}) e`);
    await q.query(`DROP TABLE access_log_entry, access_log_batch`);
    await q.query(ENSURE_PARTITIONS_V1);
    await q.query(`DROP FUNCTION kluis_access_log_partitions_between(date, date)`);
    await q.query(`SELECT kluis_ensure_access_log_partitions(12)`);
    await q.query(APPEND_FUNCTION_V2);
    await q.query(`DO $$ BEGIN
        IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'kluis_app') THEN EXECUTE 'GRANT SELECT ON access_log_event TO kluis_app'; END IF;
      END $$`);
  }
}
