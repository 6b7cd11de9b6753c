import { MigrationInterface, QueryRunner } from 'typeorm';
import { grantOnly, V2_SIGNATURE } from './1764000004000-access-log-shapes';
import { APPEND_FUNCTION_V3 } from './1764000005000-access-log-batches';

/** V3's parameters and the events' ids (`uuid[]`) last. */
export const V4_SIGNATURE = V2_SIGNATURE.replace(/\)$/, ', uuid[])');

/**
 * The append function with two costs of every call removed (measured with pg_stat_statements
 * under the caseload benchmark):
 * - the events' ids come from the application (`crypto.randomUUID`, from a pooled random buffer)
 *   instead of a `gen_random_uuid()` per row: 3.5 µs each on the benchmark machine, 0.18 ms of
 *   a 50-dossier list's append. The id is no part of the event's HMAC: only unique, as before;
 * - the chain head is locked with `SELECT … FOR UPDATE` and the genesis row inserted only when
 *   it is missing (once per organisation and shard), not tried with `ON CONFLICT DO NOTHING` by
 *   every call: a speculative insert costs a heap and index probe and WAL each time (0.12 ms).
 */
export const APPEND_FUNCTION_V4 = `CREATE FUNCTION kluis_append_access_log(
    p_organisation uuid, p_shard integer, p_batch_mac bytea,
    p_occurred_at timestamptz, p_actor_sub text, p_actor_role text, p_actor_person_id uuid, p_client_app text,
    p_request_id text, p_operation_name text, p_source_address text,
    p_dossier_ids uuid[], p_subject_ids uuid[], p_shapes integer[],
    p_actions text[], p_relationships text[], p_granted text[], p_denied text[], p_pseudonymised text[], p_outcomes text[],
    p_authorisation boolean[], p_care_relationship boolean[], p_consent boolean[], p_emergency boolean[], p_purposes text[],
    p_legal_basis text[], p_event_ids uuid[]) RETURNS bigint
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
    IF array_length(p_dossier_ids, 1) IS DISTINCT FROM v_size OR array_length(p_subject_ids, 1) IS DISTINCT FROM v_size
       OR array_length(p_event_ids, 1) IS DISTINCT FROM v_size THEN
      RAISE EXCEPTION 'access log batch arrays differ in length';
    END IF;
    -- Every shape array has one entry per shape (the batch table's CHECK), and every event names an existing shape.
    IF EXISTS (SELECT 1 FROM unnest(p_shapes) s WHERE s IS NULL OR s < 1 OR s > v_kinds) THEN
      RAISE EXCEPTION 'access log batch shapes are inconsistent';
    END IF;
    -- One chain per organisation and shard. Its head row is the only lock taken, and only by
    -- requests of the same organisation and shard; started on first use from a fixed genesis.
    SELECT seq, head INTO v_seq, v_prev FROM access_log_chain WHERE organisation_id = p_organisation AND shard = p_shard FOR UPDATE;
    IF NOT FOUND THEN
      INSERT INTO access_log_chain (organisation_id, shard, seq, head)
      VALUES (p_organisation, p_shard, 0, sha256(convert_to('kluis-access-log-genesis:' || p_organisation || ':' || p_shard, 'UTF8')))
      ON CONFLICT DO NOTHING;
      SELECT seq, head INTO v_seq, v_prev FROM access_log_chain WHERE organisation_id = p_organisation AND shard = p_shard FOR UPDATE;
    END IF;
    v_seq := v_seq + 1;
    v_head := sha256(v_prev || p_batch_mac);
    UPDATE access_log_chain SET seq = v_seq, head = v_head WHERE organisation_id = p_organisation AND shard = p_shard;
    INSERT INTO access_log_batch (organisation_id, occurred_at, chain_shard, chain_seq, actor_sub, actor_role, actor_person_id, client_app,
      request_id, operation_name, source_address, batch_size, batch_mac, prev_hash, chain_hash,
      shape_action, shape_relationship, shape_granted, shape_denied, shape_pseudonymised, shape_outcome, shape_authorisation,
      shape_care_relationship, shape_consent, shape_emergency, shape_purpose, shape_legal_basis)
    VALUES (p_organisation, p_occurred_at, p_shard, v_seq, p_actor_sub, p_actor_role, p_actor_person_id, p_client_app, p_request_id,
      p_operation_name, p_source_address, v_size, p_batch_mac, v_prev, v_head,
      p_actions, p_relationships, p_granted, p_denied, p_pseudonymised, p_outcomes, p_authorisation,
      p_care_relationship, p_consent, p_emergency, p_purposes, p_legal_basis);
    INSERT INTO access_log_entry (id, organisation_id, occurred_at, chain_shard, chain_seq, batch_pos, dossier_id, subject_person_id, shape)
    SELECT u.id, p_organisation, p_occurred_at, p_shard, v_seq, (u.pos - 1)::integer, u.dossier_id, u.subject_id, u.shape
    FROM unnest(p_event_ids, p_dossier_ids, p_subject_ids, p_shapes) WITH ORDINALITY AS u(id, dossier_id, subject_id, shape, pos);
    GET DIAGNOSTICS v_rows = ROW_COUNT;
    IF v_rows <> v_size THEN RAISE EXCEPTION 'access log batch arrays differ in length'; END IF;
    RETURN v_seq;
  END $$`;

export class AccessLogAppendV41764000006000 implements MigrationInterface {
  name = 'AccessLogAppendV41764000006000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(APPEND_FUNCTION_V4);
    await q.query(`DROP FUNCTION ${V2_SIGNATURE}`);
    await q.query(grantOnly(V4_SIGNATURE));
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(APPEND_FUNCTION_V3);
    await q.query(`DROP FUNCTION ${V4_SIGNATURE}`);
    await q.query(grantOnly(V2_SIGNATURE));
  }
}
