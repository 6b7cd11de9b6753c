import { MigrationInterface, QueryRunner } from 'typeorm';
import { DOSSIER_STATISTICS, PARTITIONS_BETWEEN_V2, replaced } from './1764000007000-access-log-event-arrays';

/**
 * The columns of `access_log_batch` that the log's readers filter by (the privacy officer's
 * search, the client's "who saw my dossier", the log's time pages): the only ones whose
 * statistics the planner uses. Conditions on an event's own values (its outcome, its dossier)
 * are expressions over unnested arrays, for which PostgreSQL keeps no statistics anyway.
 */
const FILTERED = ['organisation_id', 'occurred_at', 'actor_sub'];

/**
 * Sets the statistics targets of a log table: the dossier array's raised target
 * (1764000007000), the default for the filtered columns, none for every other column. On a
 * partitioned table ALTER TABLE reaches every partition it has; one made later gets its own call.
 * Not SECURITY DEFINER: it runs as whoever may alter the table, the partitions function included.
 */
export const STATISTICS_FUNCTION = `CREATE FUNCTION kluis_access_log_statistics(t regclass) RETURNS void
  LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
  BEGIN
    EXECUTE (SELECT format('ALTER TABLE %s %s', t, string_agg(format('ALTER COLUMN %I SET STATISTICS %s', attname,
        CASE WHEN attname = 'dossier_ids' THEN ${DOSSIER_STATISTICS} WHEN attname = ANY (ARRAY[${FILTERED.map((c) => `'${c}'`).join(', ')}]) THEN -1 ELSE 0 END), ', ' ORDER BY attnum))
      FROM pg_attribute WHERE attrelid = t AND attnum > 0 AND NOT attisdropped);
  END $$`;

export const PARTITIONS_BETWEEN_V3 = replaced(
  PARTITIONS_BETWEEN_V2,
  `        EXECUTE format('ALTER TABLE %I ALTER COLUMN dossier_ids SET STATISTICS ${DOSSIER_STATISTICS}', name);`,
  `        PERFORM kluis_access_log_statistics(name::regclass);`,
);

/**
 * Statistics only where the planner uses them (SPEC §6). The log is insert-only, so autovacuum
 * ANALYZEs a partition each time it has grown by a tenth, and the dossier array's raised target
 * makes that a sample of up to 300,000 rows. Every column of the sample was analysed, the event
 * and subject arrays and the hashes included, though no query filters by them: on a table shaped
 * like the log (400,000 batches of 50 events) one ANALYZE took 27.5 s of CPU, 8.7 s with
 * statistics on the filtered columns and the dossier array only. While a partition is smaller
 * than the sample, each ANALYZE reads all of it after a tenth of it was appended, so every batch
 * costs ten sampled rows: about 0.9 ms of PostgreSQL CPU before, 0.3 ms now.
 */
export class AccessLogStatistics1764000008000 implements MigrationInterface {
  name = 'AccessLogStatistics1764000008000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(STATISTICS_FUNCTION);
    await q.query(`REVOKE ALL ON FUNCTION kluis_access_log_statistics(regclass) FROM PUBLIC`);
    await q.query(`SELECT kluis_access_log_statistics('access_log_batch')`);
    await q.query(PARTITIONS_BETWEEN_V3);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(PARTITIONS_BETWEEN_V2);
    // Back to the default for every column but the dossier array, as 1764000007000 left them.
    await q.query(`DO $$ BEGIN
        EXECUTE (SELECT format('ALTER TABLE access_log_batch %s', string_agg(format('ALTER COLUMN %I SET STATISTICS -1', attname), ', '))
          FROM pg_attribute WHERE attrelid = 'access_log_batch'::regclass AND attnum > 0 AND NOT attisdropped AND attname <> 'dossier_ids');
      END $$`);
    await q.query(`DROP FUNCTION kluis_access_log_statistics(regclass)`);
  }
}
