import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The first append function (per-event arrays); replaced by 1764000004000, whose `down` restores it.
 */
export const APPEND_FUNCTION_V1 = `CREATE FUNCTION kluis_append_access_log(
        p_organisation uuid, p_shard integer, p_batch_mac bytea,
        p_occurred_at timestamptz, p_actor_sub text, p_actor_role text, p_actor_person_id uuid, p_client_app text,
        p_request_id text, p_operation_name text, p_source_address text,
        p_dossier_ids uuid[], p_subject_ids uuid[], p_actions text[], p_relationships text[], p_granted text[], p_denied text[],
        p_pseudonymised text[], p_outcomes text[], p_authorisation boolean[], p_care_relationship boolean[], p_consent boolean[],
        p_emergency boolean[], p_purposes text[], p_legal_basis text[]) RETURNS bigint
      LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
      DECLARE
        v_seq bigint;
        v_prev bytea;
        v_head bytea;
        v_size integer := coalesce(array_length(p_actions, 1), 0);
        v_rows integer;
      BEGIN
        IF v_size = 0 THEN RAISE EXCEPTION 'empty access log batch'; END IF;
        -- One chain per organisation and shard, started on first use from a fixed genesis. Its
        -- head row is the only lock taken, and only by requests of the same organisation and shard.
        INSERT INTO access_log_chain (organisation_id, shard, seq, head)
        VALUES (p_organisation, p_shard, 0, sha256(convert_to('kluis-access-log-genesis:' || p_organisation || ':' || p_shard, 'UTF8')))
        ON CONFLICT DO NOTHING;
        SELECT seq, head INTO v_seq, v_prev FROM access_log_chain WHERE organisation_id = p_organisation AND shard = p_shard FOR UPDATE;
        v_seq := v_seq + 1;
        v_head := sha256(v_prev || p_batch_mac);
        UPDATE access_log_chain SET seq = v_seq, head = v_head WHERE organisation_id = p_organisation AND shard = p_shard;
        INSERT INTO access_log_event (
          organisation_id, occurred_at, actor_sub, actor_role, relationship, actor_person_id, client_app, action, dossier_id,
          subject_person_id, granted_fields, denied_fields, pseudonymised_fields, outcome, check_authorisation,
          check_care_relationship, check_consent, check_emergency, purpose, legal_basis_ref, request_id, operation_name,
          source_address, chain_shard, chain_seq, batch_pos, batch_size, batch_mac, prev_hash, chain_hash)
        SELECT p_organisation, p_occurred_at, p_actor_sub, p_actor_role, u.relationship, p_actor_person_id, p_client_app, u.action, u.dossier_id,
          u.subject_id, string_to_array(u.granted, ','), string_to_array(u.denied, ','), string_to_array(u.pseudonymised, ','), u.outcome,
          u.authorisation, u.care_relationship, u.consent, u.emergency, u.purpose, u.legal_basis, p_request_id, p_operation_name,
          p_source_address, p_shard, v_seq, (u.pos - 1)::integer, v_size, p_batch_mac, v_prev, v_head
        FROM unnest(p_dossier_ids, p_subject_ids, p_actions, p_relationships, p_granted, p_denied, p_pseudonymised, p_outcomes,
                    p_authorisation, p_care_relationship, p_consent, p_emergency, p_purposes, p_legal_basis)
             WITH ORDINALITY AS u(dossier_id, subject_id, action, relationship, granted, denied, pseudonymised, outcome,
                                  authorisation, care_relationship, consent, emergency, purpose, legal_basis, pos);
        GET DIAGNOSTICS v_rows = ROW_COUNT;
        IF v_rows <> v_size THEN RAISE EXCEPTION 'access log batch arrays differ in length'; END IF;
        RETURN v_seq;
      END $$`;

/** The first log table (one wide row per event); replaced by 1764000005000, whose `down` restores it. */
export async function createEventTableV1(q: QueryRunner): Promise<void> {
  await q.query(`CREATE TABLE access_log_event (
      id uuid NOT NULL DEFAULT gen_random_uuid(),
      organisation_id uuid NOT NULL,
      occurred_at timestamptz(3) NOT NULL,
      actor_sub varchar(200) NOT NULL,
      actor_role varchar(30) NOT NULL,
      relationship varchar(100) NOT NULL,
      actor_person_id uuid,
      client_app varchar(200),
      action varchar(20) NOT NULL CHECK (action IN ('CREATE','READ','UPDATE','DELETE','EXPORT','SEARCH','EMERGENCY','LOG_READ')),
      dossier_id uuid,
      subject_person_id uuid,
      granted_fields varchar(100)[] NOT NULL,
      denied_fields varchar(100)[] NOT NULL,
      pseudonymised_fields varchar(100)[] NOT NULL,
      outcome varchar(10) NOT NULL CHECK (outcome IN ('GRANTED','DENIED')),
      check_authorisation boolean NOT NULL,
      check_care_relationship boolean NOT NULL,
      check_consent boolean NOT NULL,
      check_emergency boolean NOT NULL,
      purpose varchar(20) NOT NULL CHECK (purpose IN ('TREAT','ETREAT','AUDIT','RIGHTS','BILLING','VERWIJSINDEX','CONSENTED_SHARE','LOG_REVIEW')),
      legal_basis_ref varchar(200),
      request_id varchar(64) NOT NULL,
      operation_name varchar(200),
      source_address varchar(64),
      chain_shard smallint NOT NULL,
      chain_seq bigint NOT NULL,
      batch_pos integer NOT NULL,
      batch_size integer NOT NULL,
      batch_mac bytea NOT NULL,
      prev_hash bytea NOT NULL,
      chain_hash bytea NOT NULL
    ) PARTITION BY RANGE (occurred_at)`);
  await q.query(`CREATE TABLE access_log_event_default PARTITION OF access_log_event DEFAULT`);
  // Every index costs every request its maintenance (the log is written on each read), so only
  // two: "who accessed dossier X in the last year" and the privacy officer's searches by period
  // (actor, outcome and emergency filter within it). No primary key: nothing references an
  // event, and a random-uuid key index would be the costliest of all. audit:verify reads
  // the chains in one ordered pass instead of by an index.
  await q.query(`CREATE INDEX access_log_dossier_time ON access_log_event (dossier_id, occurred_at DESC)`);
  await q.query(`CREATE INDEX access_log_org_time ON access_log_event (organisation_id, occurred_at DESC)`);
}

/** The first partition maker (one table); replaced by 1764000005000, whose `down` restores it. */
export const ENSURE_PARTITIONS_V1 = `CREATE OR REPLACE FUNCTION kluis_ensure_access_log_partitions(months_ahead integer) RETURNS integer
      LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
      DECLARE
        m date := date_trunc('month', now() - interval '1 month')::date;
        created integer := 0;
        name text;
      BEGIN
        WHILE m <= (date_trunc('month', now()) + make_interval(months => months_ahead))::date LOOP
          name := 'access_log_event_' || to_char(m, 'YYYY_MM');
          IF to_regclass(name) IS NULL THEN
            IF EXISTS (SELECT 1 FROM access_log_event_default WHERE occurred_at >= m AND occurred_at < (m + interval '1 month')) THEN
              -- Events of this month already sit in DEFAULT (partitions were not made ahead in
              -- time): move them into the new month's table, then attach it. Same rows, same
              -- chain; one transaction, so a reader sees them either here or there.
              EXECUTE format('CREATE TABLE %I (LIKE access_log_event INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', name);
              EXECUTE format('WITH moved AS (DELETE FROM access_log_event_default WHERE occurred_at >= %L AND occurred_at < %L RETURNING *)
                              INSERT INTO %I SELECT * FROM moved', m, (m + interval '1 month')::date, name);
              EXECUTE format('ALTER TABLE access_log_event ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)', name, m, (m + interval '1 month')::date);
            ELSE
              EXECUTE format('CREATE TABLE %I PARTITION OF access_log_event FOR VALUES FROM (%L) TO (%L)', name, m, (m + interval '1 month')::date);
            END IF;
            created := created + 1;
          END IF;
          m := (m + interval '1 month')::date;
        END LOOP;
        RETURN created;
      END $$`;

/**
 * The NEN 7513 access log (SPEC §6):
 * - `access_log_event`, range-partitioned by month so that whole periods past retention can be
 *   dropped; monthly partitions are created ahead by `kluis_ensure_access_log_partitions`, a
 *   DEFAULT partition catches anything outside them so an append never fails for want of one;
 * - `access_log_chain`: one head per organisation and shard. Each request's batch is HMAC'd by the application
 *   (key outside the database) and chained per shard with sha256; 16 shards mean requests wait
 *   only for the rare other request in the same shard, never all behind one lock;
 * - `kluis_append_access_log`: the only way in (SECURITY DEFINER). The application role
 *   `kluis_app` may call it and read the log, but has no INSERT, UPDATE or DELETE on it.
 */
export class AccessLog1763900001000 implements MigrationInterface {
  name = 'AccessLog1763900001000';

  public async up(q: QueryRunner): Promise<void> {
    await createEventTableV1(q);

    await q.query(`CREATE TABLE access_log_chain (
      organisation_id uuid NOT NULL,
      shard smallint NOT NULL CHECK (shard BETWEEN 0 AND 15),
      seq bigint NOT NULL,
      head bytea NOT NULL,
      PRIMARY KEY (organisation_id, shard)
    )`);

    await q.query(ENSURE_PARTITIONS_V1);
    await q.query(`SELECT kluis_ensure_access_log_partitions(12)`);

    // The request's shared facts once, the per-dossier facts as typed arrays: no per-row JSON
    // parsing (one request can log thousands of dossiers; SPEC §6: one round trip, fast).
    // Field lists travel comma-joined (paths never contain commas).
    await q.query(APPEND_FUNCTION_V1);

    // The application's role: everything it needs, and on the log only reading and appending.
    await q.query(`DO $$ BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'kluis_app') THEN CREATE ROLE kluis_app NOLOGIN; END IF;
      EXCEPTION WHEN insufficient_privilege THEN
        RAISE NOTICE 'cannot create role kluis_app (no CREATEROLE): create it and re-run the grants, see SECURITY.md';
      END $$`);
    await q.query(`DO $$ BEGIN
        IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'kluis_app') THEN
          EXECUTE 'GRANT USAGE ON SCHEMA public TO kluis_app';
          EXECUTE (SELECT 'GRANT SELECT, INSERT, UPDATE, DELETE ON ' || string_agg(quote_ident(tablename), ', ') || ' TO kluis_app'
                   FROM pg_tables WHERE schemaname = 'public' AND tablename NOT LIKE 'access_log%' AND tablename <> 'kluis_migrations');
          EXECUTE 'GRANT SELECT ON kluis_migrations, access_log_event, access_log_chain TO kluis_app';
          EXECUTE 'REVOKE ALL ON FUNCTION kluis_append_access_log(uuid, integer, bytea, timestamptz, text, text, uuid, text, text, text, text, uuid[], uuid[], text[], text[], text[], text[], text[], text[], boolean[], boolean[], boolean[], boolean[], text[], text[]) FROM PUBLIC';
          EXECUTE 'REVOKE ALL ON FUNCTION kluis_ensure_access_log_partitions(integer) FROM PUBLIC';
          EXECUTE 'GRANT EXECUTE ON FUNCTION kluis_append_access_log(uuid, integer, bytea, timestamptz, text, text, uuid, text, text, text, text, uuid[], uuid[], text[], text[], text[], text[], text[], text[], boolean[], boolean[], boolean[], boolean[], text[], text[]), kluis_ensure_access_log_partitions(integer) TO kluis_app';
        END IF;
      END $$`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query('DROP FUNCTION IF EXISTS kluis_append_access_log(uuid, integer, bytea, timestamptz, text, text, uuid, text, text, text, text, uuid[], uuid[], text[], text[], text[], text[], text[], text[], boolean[], boolean[], boolean[], boolean[], text[], text[])');
    await q.query('DROP FUNCTION IF EXISTS kluis_ensure_access_log_partitions(integer)');
    await q.query('DROP TABLE IF EXISTS access_log_event CASCADE');
    await q.query('DROP TABLE IF EXISTS access_log_chain');
  }
}
