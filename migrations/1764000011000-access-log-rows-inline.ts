import { MigrationInterface, QueryRunner } from 'typeorm';
import { replaced } from './1764000007000-access-log-event-arrays';
import { PARTITIONS_BETWEEN_V3 } from './1764000008000-access-log-statistics';

/** The most `toast_tuple_target` may be: a row of up to a page's worth is kept as it is. */
const INLINE_UP_TO = 8160;

/** Every partition a new month gets is made like the ones `up` alters. */
const PARTITIONS_BETWEEN_V4 = replaced(
  PARTITIONS_BETWEEN_V3,
  `        PERFORM kluis_access_log_statistics(name::regclass);`,
  `        PERFORM kluis_access_log_statistics(name::regclass);
        EXECUTE format('ALTER TABLE %I SET (toast_tuple_target = ${INLINE_UP_TO})', name);`,
);

/** `ALTER TABLE … ${change}` for every partition of the batch table (a partitioned table itself takes no storage parameters). */
const everyPartition = (change: string) => `DO $$ DECLARE p regclass; BEGIN
    FOR p IN SELECT inhrelid::regclass FROM pg_inherits WHERE inhparent = 'access_log_batch'::regclass LOOP
      EXECUTE format('ALTER TABLE %s ${change}', p);
    END LOOP;
  END $$`;

/**
 * A batch row stays as it is up to a page (SPEC §6). A 50-event batch is ≈ 3.2 kB, over the
 * 2 kB from which PostgreSQL's toaster tries to compress a row's largest values first: random
 * event ids and a page's distinct dossier and subject ids do not compress, so every append paid
 * for the attempt and then stored the row unchanged. Measured on fresh copies of the bench
 * database (PostgreSQL 15, 3 × 2,000 single-batch appends of 50 events, alternating): the
 * append's PostgreSQL CPU 437 → 397 µs. A batch of more than a page (200 dossiers, ≈ 11 kB) is
 * still compressed or moved out of line. Only the storage parameter changes: no row is rewritten.
 */
export class AccessLogRowsInline1764000011000 implements MigrationInterface {
  name = 'AccessLogRowsInline1764000011000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(everyPartition(`SET (toast_tuple_target = ${INLINE_UP_TO})`));
    await q.query(PARTITIONS_BETWEEN_V4);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(PARTITIONS_BETWEEN_V3);
    await q.query(everyPartition('RESET (toast_tuple_target)'));
  }
}
