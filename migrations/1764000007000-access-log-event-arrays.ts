import { MigrationInterface, QueryRunner } from 'typeorm';
import { createEntryTable, EVENT_SELECT, PARTITIONS_BETWEEN, readOnly } from './1764000005000-access-log-batches';
import { APPEND_FUNCTION_V4 } from './1764000006000-access-log-append-v4';

/** `text` with `from` replaced by `to`; a frozen statement that no longer contains `from` is a programming error, not a silent no-op. */
export function replaced(text: string, from: string, to: string): string {
  if (!text.includes(from)) throw new Error(`migration text changed: ${from} not found`);
  return text.replace(from, to);
}

/** The request's events as the view shows them, one by one, from the batch row's arrays. */
const EVENTS_OF_BATCH = 'unnest(b.event_ids, b.dossier_ids, b.subject_ids, b.event_shapes) WITH ORDINALITY AS e(id, dossier_id, subject_person_id, shape, pos)';

/**
 * The view keeps every column the log always had, in the same order (readers, `audit:verify` and
 * the HMAC's canonical form are unchanged), plus `batch_dossier_ids`: the batch's dossier array,
 * which a lookup by dossier names (`batch_dossier_ids @> ARRAY[$1]`) so that PostgreSQL finds
 * the batches through their GIN index before it unnests them.
 */
const EVENT_SELECT_V4 = `SELECT e.id, b.organisation_id, b.occurred_at, b.actor_sub, b.actor_role, b.shape_relationship[e.shape] AS relationship,
    b.actor_person_id, b.client_app, b.shape_action[e.shape] AS action, e.dossier_id, e.subject_person_id,
    string_to_array(b.shape_granted[e.shape], ',')::varchar(100)[] AS granted_fields,
    string_to_array(b.shape_denied[e.shape], ',')::varchar(100)[] AS denied_fields,
    string_to_array(b.shape_pseudonymised[e.shape], ',')::varchar(100)[] AS pseudonymised_fields,
    b.shape_outcome[e.shape] AS outcome, b.shape_authorisation[e.shape] AS check_authorisation,
    b.shape_care_relationship[e.shape] AS check_care_relationship, b.shape_consent[e.shape] AS check_consent,
    b.shape_emergency[e.shape] AS check_emergency, b.shape_purpose[e.shape] AS purpose, b.shape_legal_basis[e.shape] AS legal_basis_ref,
    b.request_id, b.operation_name, b.source_address, b.chain_shard, b.chain_seq, (e.pos - 1)::integer AS batch_pos, b.batch_size, b.batch_mac,
    b.prev_hash, b.chain_hash, b.dossier_ids AS batch_dossier_ids
  FROM access_log_batch b CROSS JOIN LATERAL ${EVENTS_OF_BATCH}`;

/**
 * How many of the most common dossier ids ANALYZE keeps per partition. With the default (100)
 * the planner guessed every dossier in 0.5 % of the batches and walked the organisation's batches
 * newest first instead of asking the GIN index: 1.2 s for "who accessed my dossier" on 10 million
 * events (`bench:log`), 6.5 ms with this. A partition does not inherit it, so each new one is set too.
 */
export const DOSSIER_STATISTICS = 1000;

/** Only the batch table is partitioned now. */
export const PARTITIONS_BETWEEN_V2 = replaced(
  replaced(
    replaced(PARTITIONS_BETWEEN, 'CREATE FUNCTION', 'CREATE OR REPLACE FUNCTION'),
    "ARRAY['access_log_batch', 'access_log_entry']", "ARRAY['access_log_batch']",
  ),
  '        created := created + 1;',
  `        EXECUTE format('ALTER TABLE %I ALTER COLUMN dossier_ids SET STATISTICS ${DOSSIER_STATISTICS}', name);
        created := created + 1;`,
);
const PARTITIONS_BETWEEN_V1 = replaced(PARTITIONS_BETWEEN, 'CREATE FUNCTION', 'CREATE OR REPLACE FUNCTION');

/** V4 with the events stored as the batch row's arrays instead of a row each. Same signature, so its grants stay. */
export const APPEND_FUNCTION_V5 = replaced(
  replaced(replaced(APPEND_FUNCTION_V4, 'CREATE FUNCTION', 'CREATE OR REPLACE FUNCTION'), '    v_rows integer;\n', ''),
  `      shape_care_relationship, shape_consent, shape_emergency, shape_purpose, shape_legal_basis)
    VALUES (p_organisation, p_occurred_at, p_shard, v_seq, p_actor_sub, p_actor_role, p_actor_person_id, p_client_app, p_request_id,
      p_operation_name, p_source_address, v_size, p_batch_mac, v_prev, v_head,
      p_actions, p_relationships, p_granted, p_denied, p_pseudonymised, p_outcomes, p_authorisation,
      p_care_relationship, p_consent, p_emergency, p_purposes, p_legal_basis);
    INSERT INTO access_log_entry (id, organisation_id, occurred_at, chain_shard, chain_seq, batch_pos, dossier_id, subject_person_id, shape)
    SELECT u.id, p_organisation, p_occurred_at, p_shard, v_seq, (u.pos - 1)::integer, u.dossier_id, u.subject_id, u.shape
    FROM unnest(p_event_ids, p_dossier_ids, p_subject_ids, p_shapes) WITH ORDINALITY AS u(id, dossier_id, subject_id, shape, pos);
    GET DIAGNOSTICS v_rows = ROW_COUNT;
    IF v_rows <> v_size THEN RAISE EXCEPTION 'access log batch arrays differ in length'; END IF;
    RETURN v_seq;`,
  `      shape_care_relationship, shape_consent, shape_emergency, shape_purpose, shape_legal_basis,
      event_ids, dossier_ids, subject_ids, event_shapes)
    VALUES (p_organisation, p_occurred_at, p_shard, v_seq, p_actor_sub, p_actor_role, p_actor_person_id, p_client_app, p_request_id,
      p_operation_name, p_source_address, v_size, p_batch_mac, v_prev, v_head,
      p_actions, p_relationships, p_granted, p_denied, p_pseudonymised, p_outcomes, p_authorisation,
      p_care_relationship, p_consent, p_emergency, p_purposes, p_legal_basis,
      p_event_ids, p_dossier_ids, p_subject_ids, p_shapes);
    RETURN v_seq;`,
);

const readOnlyV2 = `DO $$ BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'kluis_app') THEN
      EXECUTE 'GRANT SELECT ON access_log_event, access_log_batch TO kluis_app';
    END IF;
  END $$`;

const KEY = 'organisation_id, chain_shard, chain_seq, occurred_at';

/**
 * The access log's events as arrays in their request's batch row (SPEC §6): event ids, dossiers,
 * subjects and shape numbers, one element per event, in order. Until now every event was a row
 * of `access_log_entry` with two B-tree entries — measured with pg_stat_statements under the
 * caseload benchmark, ≈ 20 µs and ≈ 500 bytes of WAL per event, 1.2 ms of PostgreSQL time per
 * 50-dossier page: the largest cost authorisation and logging added to a list. Now a request is
 * one row and one GIN entry per distinct dossier, which PostgreSQL gathers in the index's
 * pending list and merges in bulk (fast update).
 *
 * Lookups by dossier (the client's "who saw my dossier", the privacy officer's search) go
 * through the GIN index on `dossier_ids`; by organisation and time through a B-tree on the batch.
 *
 * Existing events move into their batch as they are — ids, positions, HMACs and chain hashes
 * unchanged, so a log that verified before verifies after. Events that cannot be placed (no
 * batch, or positions that are not 0…n−1 once each: a tampered log) make the migration fail
 * rather than be dropped or renumbered: run `npm run audit:verify` first.
 */
export class AccessLogEventArrays1764000007000 implements MigrationInterface {
  name = 'AccessLogEventArrays1764000007000';

  public async up(q: QueryRunner): Promise<void> {
    // Every event of the log is rewritten: at millions of events that takes longer than the
    // application's statement timeout. For this transaction only.
    await q.query('SET LOCAL statement_timeout = 0');
    const [{ misplaced }] = await q.query(`SELECT count(*)::int AS misplaced FROM (
        SELECT ${KEY} FROM access_log_entry e
        GROUP BY ${KEY}
        HAVING min(batch_pos) <> 0 OR max(batch_pos) <> count(*) - 1 OR count(DISTINCT batch_pos) <> count(*)
           OR NOT EXISTS (SELECT 1 FROM access_log_batch b WHERE (b.organisation_id, b.chain_shard, b.chain_seq, b.occurred_at)
                                                               = (e.organisation_id, e.chain_shard, e.chain_seq, e.occurred_at))
      ) bad`);
    if (misplaced) throw new Error(`access log: ${misplaced} batch(es) whose events are without their batch or out of place; run npm run audit:verify`);
    await q.query(`DROP VIEW access_log_event`);
    await q.query(`ALTER TABLE access_log_batch ADD COLUMN event_ids uuid[], ADD COLUMN dossier_ids uuid[], ADD COLUMN subject_ids uuid[], ADD COLUMN event_shapes integer[]`);
    await q.query(`UPDATE access_log_batch b SET event_ids = e.ids, dossier_ids = e.dossiers, subject_ids = e.subjects, event_shapes = e.shapes
      FROM (SELECT ${KEY}, array_agg(id ORDER BY batch_pos) AS ids, array_agg(dossier_id ORDER BY batch_pos) AS dossiers,
                   array_agg(subject_person_id ORDER BY batch_pos) AS subjects, array_agg(shape ORDER BY batch_pos) AS shapes
            FROM access_log_entry GROUP BY ${KEY}) e
      WHERE (b.organisation_id, b.chain_shard, b.chain_seq, b.occurred_at) = (e.organisation_id, e.chain_shard, e.chain_seq, e.occurred_at)`);
    // A batch whose events were all deleted keeps its row, empty: audit:verify reports its chain position.
    await q.query(`UPDATE access_log_batch SET event_ids = '{}', dossier_ids = '{}', subject_ids = '{}', event_shapes = '{}' WHERE event_ids IS NULL`);
    await q.query(`ALTER TABLE access_log_batch ALTER COLUMN event_ids SET NOT NULL, ALTER COLUMN dossier_ids SET NOT NULL,
      ALTER COLUMN subject_ids SET NOT NULL, ALTER COLUMN event_shapes SET NOT NULL,
      ADD CONSTRAINT access_log_batch_events CHECK (cardinality(dossier_ids) = cardinality(event_ids) AND cardinality(subject_ids) = cardinality(event_ids)
                                                    AND cardinality(event_shapes) = cardinality(event_ids))`);
    await q.query(`DROP TABLE access_log_entry`);
    // The two access paths of the log's readers, and nothing else: the log is written on every read.
    await q.query(`CREATE INDEX access_log_batch_dossiers ON access_log_batch USING gin (dossier_ids)`);
    await q.query(`CREATE INDEX access_log_batch_org_time ON access_log_batch (organisation_id, occurred_at DESC)`);
    await q.query(`ALTER TABLE access_log_batch ALTER COLUMN dossier_ids SET STATISTICS ${DOSSIER_STATISTICS}`);
    await q.query(PARTITIONS_BETWEEN_V2);
    await q.query(`CREATE VIEW access_log_event AS ${EVENT_SELECT_V4}`);
    await q.query(APPEND_FUNCTION_V5);
    await q.query(readOnlyV2);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query('SET LOCAL statement_timeout = 0');
    await q.query(`DROP VIEW access_log_event`);
    await createEntryTable(q);
    await q.query(PARTITIONS_BETWEEN_V1);
    await q.query(`SELECT kluis_access_log_partitions_between(m, m) FROM (
      SELECT DISTINCT date_trunc('month', occurred_at)::date AS m FROM access_log_batch WHERE tableoid <> 'access_log_batch_default'::regclass) months`);
    await q.query(`INSERT INTO access_log_entry (id, organisation_id, dossier_id, subject_person_id, occurred_at, chain_seq, chain_shard, batch_pos, shape)
      SELECT e.id, b.organisation_id, e.dossier_id, e.subject_person_id, b.occurred_at, b.chain_seq, b.chain_shard, (e.pos - 1)::integer, e.shape
      FROM access_log_batch b CROSS JOIN LATERAL ${EVENTS_OF_BATCH}`);
    await q.query(`DROP INDEX access_log_batch_org_time`);
    await q.query(`ALTER TABLE access_log_batch DROP COLUMN event_ids, DROP COLUMN dossier_ids, DROP COLUMN subject_ids, DROP COLUMN event_shapes`);
    await q.query(`CREATE VIEW access_log_event AS ${EVENT_SELECT}`);
    await q.query(replaced(APPEND_FUNCTION_V4, 'CREATE FUNCTION', 'CREATE OR REPLACE FUNCTION'));
    await q.query(readOnly);
  }
}
