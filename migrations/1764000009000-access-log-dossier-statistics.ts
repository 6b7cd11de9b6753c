import { MigrationInterface, QueryRunner } from 'typeorm';
import { DOSSIER_STATISTICS, replaced } from './1764000007000-access-log-event-arrays';
import { STATISTICS_FUNCTION } from './1764000008000-access-log-statistics';

const AS_REPLACEMENT = replaced(STATISTICS_FUNCTION, 'CREATE FUNCTION', 'CREATE OR REPLACE FUNCTION');

/** The dossier array joins the filtered columns at the default target. */
const STATISTICS_FUNCTION_V2 = replaced(
  AS_REPLACEMENT,
  `CASE WHEN attname = 'dossier_ids' THEN ${DOSSIER_STATISTICS} WHEN attname = ANY (ARRAY[`,
  `CASE WHEN attname = ANY (ARRAY['dossier_ids', `,
);

/**
 * The dossier array back at the default statistics target (SPEC §6). Its target of 1000
 * (1764000007000) only kept the planner from walking the time index for a dossier's events;
 * the lookups now find a dossier's batches through the GIN index by their form (a MATERIALIZED
 * step, `newestEventsSql`), whatever the statistics say. The raised target made each of
 * autovacuum's ANALYZEs of a growing partition sample up to 300,000 rows: on 10 million events
 * (`bench:log`, 13 partitions, PostgreSQL 15) an ANALYZE of the log takes 3.5 s with the
 * default against 10.2 s before. The functions that set the targets (for the table and every
 * new partition) keep their signatures, so their grants stay.
 */
export class AccessLogDossierStatistics1764000009000 implements MigrationInterface {
  name = 'AccessLogDossierStatistics1764000009000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(STATISTICS_FUNCTION_V2);
    await q.query(`SELECT kluis_access_log_statistics('access_log_batch')`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(AS_REPLACEMENT);
    await q.query(`SELECT kluis_access_log_statistics('access_log_batch')`);
  }
}
