import { randomUUID } from 'node:crypto';
import { AccessLogEventInput, appendEvents, Queryable } from '../../src/audit/access-log';
import { verifyAccessLog } from '../../src/audit/verify';
import { anOrganisation } from '../support/builders';
import { createTestDatabase, TestDatabase } from '../support/database';
import { TEST_AUDIT_KEY } from '../support/test-app';

/**
 * Migration 1764000005000 moved the log from one wide row per event to a batch row per request
 * and a narrow row per event; 1764000007000 moves those rows into arrays of their batch row. A
 * log is evidence: each move must keep every event exactly as it was, the chain verifiable, and
 * refuse — not smooth over — a log that was tampered with.
 */
describe('access log: converting the wide event table into batches and events (migrations 1764000005000, 1764000007000)', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db.drop());

  /** Every event with every column it always had (the batch's dossier array, which the view shows since 1764000007000, aside). */
  const ALL = `SELECT to_jsonb(e) - 'batch_dossier_ids' AS event FROM access_log_event e ORDER BY id`;
  /** Verifies with today's code, which reads the converted tables (so only after the migration). */
  const verify = async () => {
    const q = db.ds.createQueryRunner();
    try {
      return await verifyAccessLog(q, TEST_AUDIT_KEY);
    } finally {
      await q.release();
    }
  };

  /**
   * Back to one row per event: undoes 1764000011000 (rows kept inline), 1764000010000 (the batch checks in the append function),
   * 1764000009000 and 1764000008000 (the log's statistics targets) and 1764000007000 (events as arrays of their batch).
   */
  const toEntryRows = async () => {
    await db.ds.undoLastMigration({ transaction: 'all' });
    await db.ds.undoLastMigration({ transaction: 'all' });
    await db.ds.undoLastMigration({ transaction: 'all' });
    await db.ds.undoLastMigration({ transaction: 'all' });
    await db.ds.undoLastMigration({ transaction: 'all' });
  };
  /** Back to the wide table: undoes 1764000011000 … 1764000007000, 1764000006000 (the append function's event ids) and then 1764000005000. */
  const toWideTable = async () => {
    await toEntryRows();
    await db.ds.undoLastMigration({ transaction: 'all' });
    await db.ds.undoLastMigration({ transaction: 'all' });
  };
  /** Today's append call as the function before 1764000006000 takes it: without the events' ids (the last parameter). */
  const beforeEventIds: Queryable = {
    query: (sql, params = []) => db.ds.query(sql.replace(/, \$(\d+)::uuid\[\]\)$/, (_, n) => (Number(n) === params.length ? ')' : _)), params.slice(0, -1)),
  };

  /** A request's events as the application would append them: several shapes, two organisations, other months. */
  async function appendRequests(into: Queryable = db.ds): Promise<void> {
    for (const org of [(await anOrganisation(db.ds)).id, (await anOrganisation(db.ds)).id]) {
      const when = [new Date(), new Date(Date.now() - 40 * 86400_000), new Date(Date.UTC(2001, 4, 1))];
      for (const at of when) {
        const requestId = randomUUID();
        const base = (fields: Partial<AccessLogEventInput> = {}): AccessLogEventInput => ({
          organisation_id: org, occurred_at: at.toISOString(), actor_sub: `staff-${requestId.slice(0, 4)}`, actor_role: 'care_worker',
          relationship: 'care_worker', actor_person_id: null, client_app: 'portal', action: 'READ', dossier_id: randomUUID(), subject_person_id: randomUUID(),
          granted_fields: ['Dossier.status', 'Person.bsn', 'Person.firstName'], denied_fields: [], pseudonymised_fields: [], outcome: 'GRANTED',
          check_authorisation: true, check_care_relationship: true, check_consent: false, check_emergency: false, purpose: 'TREAT', legal_basis_ref: null,
          request_id: requestId, operation_name: 'Caseload', source_address: '10.0.0.7', ...fields,
        });
        await appendEvents(into, TEST_AUDIT_KEY, [
          base(), base(), base({ granted_fields: [], denied_fields: ['Person.bsn'], outcome: 'DENIED', check_authorisation: false, check_care_relationship: false, relationship: 'none' }),
          base(), base({ action: 'UPDATE', granted_fields: ['Person.phone'], legal_basis_ref: randomUUID() }), base({ dossier_id: null, subject_person_id: null, action: 'SEARCH' }),
        ]);
      }
    }
  }

  it('should keep every event exactly as it was, the log verifiable, and turn back into the wide table on rollback', async () => {
    await toWideTable();
    await appendRequests(beforeEventIds);
    const wide = await db.ds.query(ALL);
    expect(wide).toHaveLength(36);

    await db.ds.runMigrations({ transaction: 'all' });
    expect(await db.ds.query(ALL)).toEqual(wide);
    const [{ batches, events }] = await db.ds.query('SELECT count(*)::int AS batches, sum(cardinality(event_ids))::int AS events FROM access_log_batch');
    expect({ batches, events }).toEqual({ batches: 6, events: 36 });
    // Four shapes per request (read, denied, update, search): the repeated reads share one.
    const shapes = await db.ds.query('SELECT DISTINCT cardinality(shape_action) AS n FROM access_log_batch');
    expect(shapes).toEqual([{ n: 4 }]);
    const report = await verify();
    expect(report).toMatchObject({ problems: [], batches: 6, events: 36 });
    // New events chain on from the converted heads.
    await appendRequests();
    expect((await verify()).problems).toEqual([]);

    const all = await db.ds.query(ALL);
    await toWideTable();
    expect(await db.ds.query(ALL)).toEqual(all);
    await db.ds.runMigrations({ transaction: 'all' });
    expect(await db.ds.query(ALL)).toEqual(all);
  });

  it('should move the event rows into their batches unchanged, keeping the log verifiable, and back on rollback', async () => {
    const before = await db.ds.query(ALL);
    expect(before.length).toBeGreaterThan(36);
    await toEntryRows();
    expect(await db.ds.query(ALL)).toEqual(before);
    const [{ rows }] = await db.ds.query('SELECT count(*)::int AS rows FROM access_log_entry');
    expect(rows).toBe(before.length);
    await db.ds.runMigrations({ transaction: 'all' });
    expect(await db.ds.query(ALL)).toEqual(before);
    expect(await db.ds.query(`SELECT to_regclass('access_log_entry') AS t`)).toEqual([{ t: null }]);
    expect((await verify()).problems).toEqual([]);
  });

  it('should refuse to move event rows that are not each in their place in a batch (tampered), and leave them as they were', async () => {
    await toEntryRows();
    const tampers = [
      // Two events claiming one position.
      `UPDATE access_log_entry SET batch_pos = 0 WHERE (organisation_id, chain_shard, chain_seq, batch_pos) = (SELECT organisation_id, chain_shard, chain_seq, 1 FROM access_log_entry LIMIT 1)`,
      // An event whose batch is not there.
      `UPDATE access_log_entry SET chain_seq = chain_seq + 1000 WHERE id = (SELECT id FROM access_log_entry WHERE batch_pos = 2 LIMIT 1)`,
    ];
    for (const tamper of tampers) {
      // A table, not a TEMP one: the pool may run the next statements on another connection.
      await db.ds.query('CREATE TABLE intact_entries AS SELECT * FROM access_log_entry');
      expect((await db.ds.query(`WITH t AS (${tamper} RETURNING 1) SELECT count(*)::int AS n FROM t`))[0].n).toBe(1);
      const tampered = await db.ds.query(ALL);
      await expect(db.ds.runMigrations({ transaction: 'all' })).rejects.toThrow(/out of place; run npm run audit:verify/);
      expect(await db.ds.showMigrations()).toBe(true);
      expect(await db.ds.query(ALL)).toEqual(tampered);
      await db.ds.query('DELETE FROM access_log_entry; INSERT INTO access_log_entry SELECT * FROM intact_entries; DROP TABLE intact_entries');
    }
    await db.ds.runMigrations({ transaction: 'all' });
  });

  it('should refuse to convert a log whose events of one batch disagree about their request (tampered), and leave it as it was', async () => {
    await toWideTable();
    const [victim] = await db.ds.query('SELECT id FROM access_log_event WHERE batch_pos = 1 LIMIT 1');
    await db.ds.query(`UPDATE access_log_event SET actor_sub = 'someone-else' WHERE id = $1`, [victim.id]);
    const wide = await db.ds.query(ALL);
    await expect(db.ds.runMigrations({ transaction: 'all' })).rejects.toThrow(/duplicate key value/);
    expect(await db.ds.showMigrations()).toBe(true);
    expect(await db.ds.query(ALL)).toEqual(wide);
  });
});
