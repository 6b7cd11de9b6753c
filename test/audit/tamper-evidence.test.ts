import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { QueryRunner } from 'typeorm';
import type { Queryable } from '../../src/audit/access-log';
import { readCheckpoints, takeCheckpoint } from '../../src/audit/checkpoint';
import { verifyAccessLog, VerifyReport } from '../../src/audit/verify';
import { StaffRole } from '../../src/entities/enums';
import { dutchToday } from '../../src/util/dates';
import { aDossier, anOrganisation, aProfessional } from '../support/builders';
import { eventsOf, LoggedEvent } from '../support/access-log';
import { startTestApp, TEST_AUDIT_KEY, TestApp } from '../support/test-app';

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '../..');

const LIST = 'query List { dossiers(first: 100) { edges { node { id subject { firstName bsn } entries { edges { node { text } } } } } } }';
const READ = 'query Read($id: ID!) { dossier(id: $id) { id subject { firstName } } }';
/** One request reading two dossiers differently: one batch whose two events have two different shapes. */
const TWO = 'query Two($a: ID!, $b: ID!) { a: dossier(id: $a) { id subject { firstName } } b: dossier(id: $b) { id subject { firstName bsn } } }';
const ADD_ENTRY = 'mutation AddEntry($input: AddEntryInput!) { addEntry(input: $input) { id } }';

/*
 * The log is stored as a batch row per request (access_log_batch: the request's facts, chain
 * columns, HMAC, the batch's distinct event shapes as parallel arrays, and its events as four
 * more arrays: ids, dossiers, subjects, shape numbers); access_log_event is a read-only view
 * unnesting them. An attacker with database access edits the table, so every tamper below does too.
 */

/** The batch row `b` holding event $1, and that event's place (1-based) and shape number in it. */
const HOLDS = '$1 = ANY (b.event_ids)';
const POS = 'array_position(b.event_ids, $1)';
const SHAPE = `b.event_shapes[${POS}]`;
/** The batch's four event arrays. */
const EVENT_ARRAYS = ['event_ids', 'dossier_ids', 'subject_ids', 'event_shapes'];
/** One batch row: parameters $1..$3 from `batchOf`. */
const OF_BATCH = 'organisation_id = $1 AND chain_shard = $2 AND chain_seq = $3';
const batchOf = (e: { organisation_id: string; chain_shard: number; chain_seq: string }) => [e.organisation_id, e.chain_shard, e.chain_seq];
const chainOf = (e: { organisation_id: string; chain_shard: number }) => `chain ${e.organisation_id}/${e.chain_shard}`;

/** Every shape array of a batch row, in the order of the table (all of equal length: a CHECK). */
const SHAPE_ARRAYS = [
  'shape_action', 'shape_relationship', 'shape_granted', 'shape_denied', 'shape_pseudonymised', 'shape_outcome', 'shape_authorisation',
  'shape_care_relationship', 'shape_consent', 'shape_emergency', 'shape_purpose', 'shape_legal_basis',
];
/** A comma-joined field list (a shape's granted fields) without 'Person.bsn'. */
const withoutBsn = (list: string) => `array_to_string(array_remove(string_to_array(${list}, ','), 'Person.bsn'), ',')`;
/**
 * Removes 'Person.bsn' from the granted fields of the shape of event $1: the edit is made in the
 * batch row's shape, so every event of that shape in the batch loses it.
 */
const DROP_BSN = `UPDATE access_log_batch b SET shape_granted[${SHAPE}] = ${withoutBsn(`b.shape_granted[${SHAPE}]`)}
  WHERE ${HOLDS} AND 'Person.bsn' = ANY (string_to_array(b.shape_granted[${SHAPE}], ','))`;

/** A new event (new id) copied from event $1 onto the end of its batch's arrays, its dossier replaced if given: writing rows needs no key. */
const forgeEvent = (dossier = `b.dossier_ids[${POS}]`) => `UPDATE access_log_batch b SET event_ids = b.event_ids || gen_random_uuid(),
  dossier_ids = b.dossier_ids || ${dossier}, subject_ids = b.subject_ids || b.subject_ids[${POS}], event_shapes = b.event_shapes || ${SHAPE} WHERE ${HOLDS}`;
/** Event $1 taken out of its batch's arrays (its neighbours close up). */
const REMOVE_EVENT = `UPDATE access_log_batch b SET ${EVENT_ARRAYS.map((c) => `${c} = b.${c}[:${POS} - 1] || b.${c}[${POS} + 1:]`).join(', ')} WHERE ${HOLDS}`;

/**
 * Runs one data-modifying statement and returns how many rows it touched: a tamper that matched
 * no row would prove nothing (least of all in the cases that expect no problem).
 */
async function rows(q: Queryable, sql: string, params: unknown[] = []): Promise<number> {
  const [{ n }] = (await q.query(`WITH t AS (${sql} RETURNING 1) SELECT count(*)::int AS n FROM t`, params)) as { n: number }[];
  return n;
}

describe('access log: tamper evidence (SPEC §6, `npm run audit:verify`)', () => {
  let app: TestApp;
  /** A batch of three events of one shape (one request over three dossiers). */
  let triple: LoggedEvent[];
  /** A batch of two events of two different shapes (one dossier read with the BSN, one without). */
  let pair: LoggedEvent[];

  beforeAll(async () => {
    app = await startTestApp();
    const ds = app.db.ds;
    // A few requests of two organisations: reads over several dossiers, single reads, a write.
    for (let o = 0; o < 2; o += 1) {
      const org = await anOrganisation(ds);
      const worker = await aProfessional(ds, org);
      const token = await app.staffToken(org, StaffRole.CARE_WORKER, worker);
      const built = [];
      for (let i = 0; i < 3; i += 1) built.push(await aDossier().withAssignment(worker).withEntries(1, worker.id).build(ds, org));
      const list = await app.gql(LIST, {}, token);
      expect(list.errors).toBeUndefined();
      if (o === 0) triple = await eventsOf(ds, list);
      for (const b of built) expect((await app.gql(READ, { id: b.dossier.id }, token)).errors).toBeUndefined();
      if (o === 0) {
        const two = await app.gql(TWO, { a: built[1].dossier.id, b: built[2].dossier.id }, token);
        expect(two.errors).toBeUndefined();
        pair = await eventsOf(ds, two);
      }
      const added = await app.gql(ADD_ENTRY, { input: { dossierId: built[0].dossier.id, kind: 'CONTACT', occurredOn: dutchToday(), text: 'Telefonisch contact' } }, token);
      expect(added.errors).toBeUndefined();
      for (let i = 0; i < 12; i += 1) await app.gql(READ, { id: built[i % 3].dossier.id }, token);
    }
    expect(triple).toHaveLength(3);
    expect(triple.map((e) => e.granted_fields)).toEqual(Array(3).fill(expect.arrayContaining(['Person.bsn'])));
    expect(pair).toHaveLength(2);
    await ds.query('CREATE TABLE tamper_snapshot_batch AS SELECT * FROM access_log_batch');
    await ds.query('CREATE TABLE tamper_snapshot_chain AS SELECT * FROM access_log_chain');
  });
  afterAll(() => app.close());

  /** `verifyAccessLog` over one connection of its own (it reads the whole log in one pass). */
  async function verify(key = TEST_AUDIT_KEY): Promise<VerifyReport> {
    const q = app.db.ds.createQueryRunner();
    try {
      return await verifyAccessLog(q, key);
    } finally {
      await q.release();
    }
  }

  /**
   * Tampers as the superuser (committed, as an attacker with database access would), verifies,
   * and restores the log from the snapshots taken in beforeAll — also when the tamper itself
   * failed: every case starts from the same intact log.
   */
  async function tampered(tamper: (q: QueryRunner) => Promise<unknown>): Promise<VerifyReport> {
    const q = app.db.ds.createQueryRunner();
    try {
      await tamper(q);
      return await verify();
    } finally {
      await q.release();
      await restore();
    }
  }

  async function restore(): Promise<void> {
    await app.db.ds.transaction(async (em) => {
      await em.query('DELETE FROM access_log_batch');
      await em.query('INSERT INTO access_log_batch SELECT * FROM tamper_snapshot_batch');
      await em.query('DELETE FROM access_log_chain');
      await em.query('INSERT INTO access_log_chain SELECT * FROM tamper_snapshot_chain');
    });
  }

  /** The newest batch of the longest chain. */
  async function newestBatch(): Promise<{ organisation_id: string; shard: number; seq: string }> {
    const [head] = await app.db.ds.query('SELECT organisation_id, shard, seq::text AS seq FROM access_log_chain ORDER BY seq DESC, organisation_id, shard LIMIT 1');
    expect(Number(head.seq)).toBeGreaterThanOrEqual(2);
    return head;
  }
  const batchAt = (head: { organisation_id: string; shard: number }, seq: string | number) => [head.organisation_id, head.shard, String(seq)];

  /** Deletes a whole batch: its row, and with it its events. */
  async function deleteBatch(q: Queryable, key: unknown[]): Promise<void> {
    expect(await rows(q, `DELETE FROM access_log_batch WHERE ${OF_BATCH}`, key)).toBe(1);
  }

  /** Deletes the newest batch of a chain and sets its head back to the batch before: consistent without a checkpoint. */
  const rewind = (head: { organisation_id: string; shard: number; seq: string }) => async (q: Queryable) => {
    await deleteBatch(q, batchAt(head, head.seq));
    const moved = await rows(
      q,
      `UPDATE access_log_chain c SET seq = c.seq - 1, head = (SELECT b.chain_hash FROM access_log_batch b
         WHERE b.organisation_id = c.organisation_id AND b.chain_shard = c.shard AND b.chain_seq = c.seq - 1)
       WHERE c.organisation_id = $1 AND c.shard = $2 AND c.seq = $3`,
      [head.organisation_id, head.shard, head.seq],
    );
    expect(moved).toBe(1);
  };

  it('should report no problem for the intact log, and count every chain, batch and event', async () => {
    const report = await verify();
    expect(report.problems).toEqual([]);
    // Counted from the base tables, not the view: every stored row must have been seen.
    const [counts] = await app.db.ds.query(`SELECT (SELECT count(*)::int FROM access_log_chain) AS chains,
      (SELECT count(*)::int FROM access_log_batch) AS batches, (SELECT sum(cardinality(event_ids))::int FROM access_log_batch) AS events`);
    expect(report).toMatchObject(counts);
    expect(report.events).toBeGreaterThan(30);
    expect(report.batches).toBeLessThan(report.events);
  });

  it('should report an event whose granted_fields were edited (in the shape its batch row holds)', async () => {
    const report = await tampered(async (q) => {
      expect(await rows(q, DROP_BSN, [triple[0].id])).toBe(1);
      // The shape is shared: the view now shows every event of the request without the BSN.
      const edited = (await q.query('SELECT granted_fields FROM access_log_event WHERE id = $1', [triple[0].id])) as LoggedEvent[];
      expect(edited).toEqual([{ granted_fields: triple[0].granted_fields.filter((f) => f !== 'Person.bsn') }]);
    });
    expect(report.problems).toEqual([`${chainOf(triple[0])} batch ${triple[0].chain_seq}: HMAC does not match its events (edited, removed or inserted event)`]);
  });

  it('should report one event edited through a shape of its own appended to its batch row (the other events unchanged)', async () => {
    const report = await tampered(async (q) => {
      // A copy of the event's shape without the BSN, as a new last element of every shape array.
      const appended = SHAPE_ARRAYS.map((c) => `${c} = b.${c} || ${c === 'shape_granted' ? withoutBsn(`b.${c}[${SHAPE}]`) : `b.${c}[${SHAPE}]`}`).join(', ');
      // The event points at the new shape (one statement: every SET sees the row as it was).
      const renumbered = `event_shapes[${POS}] = cardinality(b.shape_action) + 1`;
      expect(await rows(q, `UPDATE access_log_batch b SET ${appended}, ${renumbered} WHERE ${HOLDS}`, [triple[0].id])).toBe(1);
      const seen = (await q.query(`SELECT id, granted_fields FROM access_log_event WHERE ${OF_BATCH}`, batchOf(triple[0]))) as LoggedEvent[];
      expect(seen).toEqual(expect.arrayContaining(triple.map((t, i) => ({ id: t.id, granted_fields: i === 0 ? t.granted_fields.filter((f) => f !== 'Person.bsn') : t.granted_fields }))));
      expect(seen).toHaveLength(3);
    });
    expect(report.problems).toEqual([`${chainOf(triple[0])} batch ${triple[0].chain_seq}: HMAC does not match its events (edited, removed or inserted event)`]);
  });

  it('should report an edit of any other column (outcome, actor, time, purpose, dossier)', async () => {
    const e = triple[1];
    const where = `${chainOf(e)} batch ${e.chain_seq}`;
    const hmac = `${where}: HMAC does not match its events (edited, removed or inserted event)`;
    // Only edits that change what the event says: the fixture must not already hold the new values.
    expect(e).toMatchObject({ outcome: 'GRANTED', purpose: 'TREAT' });
    const cases: [string, (q: QueryRunner) => Promise<void>, string[]][] = [
      ['outcome (in the shape)', async (q) => expect(await rows(q, `UPDATE access_log_batch b SET shape_outcome[${SHAPE}] = 'DENIED' WHERE ${HOLDS}`, [e.id])).toBe(1), [hmac]],
      ['actor (in the batch row)', async (q) => expect(await rows(q, `UPDATE access_log_batch SET actor_sub = 'someone-else' WHERE ${OF_BATCH}`, batchOf(e))).toBe(1), [hmac]],
      ['purpose (in the shape)', async (q) => expect(await rows(q, `UPDATE access_log_batch b SET shape_purpose[${SHAPE}] = 'AUDIT' WHERE ${HOLDS}`, [e.id])).toBe(1), [hmac]],
      ['dossier (in the dossier array)', async (q) => expect(await rows(q, `UPDATE access_log_batch b SET dossier_ids[${POS}] = gen_random_uuid() WHERE ${HOLDS}`, [e.id])).toBe(1), [hmac]],
      ['time (the batch row, and so its events)', async (q) => expect(await rows(q, `UPDATE access_log_batch SET occurred_at = occurred_at - interval '1 hour' WHERE ${OF_BATCH}`, batchOf(e))).toBe(1), [hmac]],
    ];
    for (const [column, tamper, expected] of cases) {
      const report = await tampered(tamper);
      expect({ column, problems: report.problems }).toEqual({ column, problems: expect.arrayContaining(expected) });
    }
  });

  it('should report an event whose shape number was changed to another shape of its batch, or to none', async () => {
    // The fixture's two-shape batch: the events differ in their granted fields only by the BSN.
    const [a, b] = pair;
    expect(batchOf(a)).toEqual(batchOf(b));
    const [{ shapes }] = await app.db.ds.query(`SELECT cardinality(shape_action) AS shapes FROM access_log_batch WHERE ${OF_BATCH}`, batchOf(a));
    expect(shapes).toBe(2);
    expect(a.granted_fields).not.toEqual(b.granted_fields);
    const hmac = `${chainOf(a)} batch ${a.chain_seq}: HMAC does not match its events (edited, removed or inserted event)`;

    const other = await tampered(async (q) => {
      expect(await rows(q, `UPDATE access_log_batch b SET event_shapes[${POS}] = 3 - ${SHAPE} WHERE ${HOLDS}`, [a.id])).toBe(1);
      // What the tamper claims: this dossier was read with the other dossier's fields.
      const [seen] = (await q.query('SELECT granted_fields FROM access_log_event WHERE id = $1', [a.id])) as LoggedEvent[];
      expect(seen.granted_fields).toEqual(b.granted_fields);
    });
    expect(other.problems).toEqual([hmac]);

    // A shape number past the arrays: the view shows the event with every shape column NULL.
    const none = await tampered(async (q) => expect(await rows(q, `UPDATE access_log_batch b SET event_shapes[${POS}] = 3 WHERE ${HOLDS}`, [a.id])).toBe(1));
    expect(none.problems).toEqual([hmac]);
  });

  it('should report the events of a batch reordered (the first two swapped in every event array)', async () => {
    const e = triple[0];
    const swapped = EVENT_ARRAYS.map((c) => `${c} = ARRAY[${c}[2], ${c}[1]] || ${c}[3:]`).join(', ');
    const report = await tampered(async (q) => expect(await rows(q, `UPDATE access_log_batch SET ${swapped} WHERE ${OF_BATCH}`, batchOf(e))).toBe(1));
    expect(report.problems).toEqual([`${chainOf(e)} batch ${e.chain_seq}: HMAC does not match its events (edited, removed or inserted event)`]);
  });

  it('should report a deleted event (taken out of its batch’s arrays, the batch staying)', async () => {
    const e = triple[1];
    const report = await tampered(async (q) => expect(await rows(q, REMOVE_EVENT, [e.id])).toBe(1));
    expect(report.problems).toEqual(expect.arrayContaining([
      `${chainOf(e)} batch ${e.chain_seq}: 2 of 3 events present or out of place (removed or inserted)`,
      `${chainOf(e)} batch ${e.chain_seq}: HMAC does not match its events (edited, removed or inserted event)`,
    ]));
  });

  it('should report an event deleted from the end of its batch with the batch size lowered to match', async () => {
    const e = triple[0];
    const report = await tampered(async (q) => {
      const shortened = EVENT_ARRAYS.map((c) => `${c} = ${c}[1:2]`).join(', ');
      expect(await rows(q, `UPDATE access_log_batch SET ${shortened}, batch_size = 2 WHERE ${OF_BATCH}`, batchOf(e))).toBe(1);
    });
    // Positions and size agree again: only the HMAC can tell.
    expect(report.problems).toEqual([`${chainOf(e)} batch ${e.chain_seq}: HMAC does not match its events (edited, removed or inserted event)`]);
  });

  it('should report every event of a batch deleted while its batch row stays (the batch vanishes from the view)', async () => {
    const head = await newestBatch();
    const emptied = `UPDATE access_log_batch SET ${EVENT_ARRAYS.map((c) => `${c} = '{}'`).join(', ')} WHERE ${OF_BATCH}`;
    // In the middle of the chain: a gap.
    const middle = await tampered(async (q) => expect(await rows(q, emptied, batchAt(head, 1))).toBe(1));
    expect(middle.problems).toEqual([`${chainOf({ organisation_id: head.organisation_id, chain_shard: head.shard })}: batches 1..1 are missing (removed)`]);
    // The newest: the chain ends short of its head.
    const newest = await tampered(async (q) => expect(await rows(q, emptied, batchAt(head, head.seq))).toBe(1));
    expect(newest.problems).toEqual([
      `${chainOf({ organisation_id: head.organisation_id, chain_shard: head.shard })}: ends at batch ${BigInt(head.seq) - 1n} but its head says ${head.seq} (newest batches removed)`,
    ]);
  });

  it('should report a batch whose event arrays were made to differ in length (by an edit past the append function)', async () => {
    const e = triple[0];
    const q = app.db.ds.createQueryRunner();
    try {
      // The append function refuses such a batch; the table itself checks nothing (1764000010000).
      // The view pairs the arrays element by element: the third event would show without a dossier.
      expect(await rows(q, `UPDATE access_log_batch SET dossier_ids = dossier_ids[1:2] WHERE ${OF_BATCH}`, batchOf(e))).toBe(1);
      expect((await verify()).problems).toEqual([
        `${chainOf(e)} batch ${e.chain_seq}: its event arrays differ in length (altered)`,
        `${chainOf(e)} batch ${e.chain_seq}: HMAC does not match its events (edited, removed or inserted event)`,
      ]);
    } finally {
      await q.release();
      await restore();
    }
  });

  it('should report a forged event (a copy of an event with a new id, added to its batch)', async () => {
    const e = triple[2];
    const report = await tampered(async (q) => expect(await rows(q, forgeEvent(), [e.id])).toBe(1));
    expect(report.problems).toEqual(expect.arrayContaining([
      `${chainOf(e)} batch ${e.chain_seq}: 4 of 3 events present or out of place (removed or inserted)`,
      `${chainOf(e)} batch ${e.chain_seq}: HMAC does not match its events (edited, removed or inserted event)`,
    ]));
  });

  it('should report a forged event appended at the end of a batch, with its size and positions made consistent', async () => {
    const e = triple[2];
    const report = await tampered(async (q) => {
      expect(await rows(q, forgeEvent('gen_random_uuid()'), [e.id])).toBe(1);
      expect(await rows(q, `UPDATE access_log_batch SET batch_size = batch_size + 1 WHERE ${OF_BATCH}`, batchOf(e))).toBe(1);
    });
    // Four of four events in place: only the HMAC can tell.
    expect(report.problems).toEqual([`${chainOf(e)} batch ${e.chain_seq}: HMAC does not match its events (edited, removed or inserted event)`]);
  });

  it('should report a forged event in a chain of its own (a forged batch row without a chain head)', async () => {
    const e = triple[0];
    const org = randomUUID();
    const forged = { organisation_id: org, chain_shard: e.chain_shard };
    const report = await tampered(async (q) => {
      expect(await rows(
        q,
        `INSERT INTO access_log_batch SELECT (jsonb_populate_record(NULL::access_log_batch, to_jsonb(b)
           || jsonb_build_object('organisation_id', $2::uuid, 'chain_seq', 1, 'batch_size', 1, 'event_ids', ARRAY[$1::uuid],
                                 'dossier_ids', ARRAY[b.dossier_ids[${POS}]], 'subject_ids', ARRAY[b.subject_ids[${POS}]], 'event_shapes', ARRAY[${SHAPE}]))).*
         FROM access_log_batch b WHERE ${HOLDS}`,
        [e.id, org],
      )).toBe(1);
    });
    expect(report.problems).toEqual([`events of ${chainOf(forged)} belong to no chain (inserted)`]);
  });

  it('should report the newest whole batch of a chain deleted', async () => {
    const head = await newestBatch();
    const report = await tampered((q) => deleteBatch(q, batchAt(head, head.seq)));
    expect(report.problems).toEqual([
      `${chainOf({ organisation_id: head.organisation_id, chain_shard: head.shard })}: ends at batch ${BigInt(head.seq) - 1n} but its head says ${head.seq} (newest batches removed)`,
    ]);
  });

  it('should report a whole batch deleted from the middle of a chain', async () => {
    const head = await newestBatch();
    const report = await tampered((q) => deleteBatch(q, batchAt(head, 1)));
    expect(report.problems).toEqual([`${chainOf({ organisation_id: head.organisation_id, chain_shard: head.shard })}: batches 1..1 are missing (removed)`]);
  });

  it('should report two batches swapped in order (their rows, and so their events)', async () => {
    const head = await newestBatch();
    const report = await tampered(async (q) => {
      const where = 'organisation_id = $1 AND chain_shard = $2';
      // Through negative numbers: the batch table's primary key holds at every step.
      expect(await rows(q, `UPDATE access_log_batch SET chain_seq = -chain_seq WHERE ${where} AND chain_seq IN (1, 2)`, [head.organisation_id, head.shard])).toBe(2);
      await q.query(`UPDATE access_log_batch SET chain_seq = CASE chain_seq WHEN -1 THEN 2 ELSE 1 END WHERE ${where} AND chain_seq IN (-1, -2)`, [head.organisation_id, head.shard]);
    });
    expect(report.problems).toContain(`${chainOf({ organisation_id: head.organisation_id, chain_shard: head.shard })} batch 1: does not follow the previous batch`);
    expect(report.problems.join('\n')).not.toMatch(/HMAC/);
  });

  describe('with checkpoints of the chain heads kept outside the database', () => {
    it('should not see a rewound chain without a checkpoint (the limit checkpoints close)', async () => {
      const head = await newestBatch();
      const report = await tampered(rewind(head));
      expect(report.problems).toEqual([]);
    });

    it('should report a rewound chain whose removed batch a checkpoint had pinned', async () => {
      const checkpoint = await takeCheckpoint(app.db.ds, TEST_AUDIT_KEY);
      const head = await newestBatch();
      expect(checkpoint.heads).toContainEqual(expect.objectContaining({ organisation: head.organisation_id, shard: head.shard, seq: head.seq }));
      const q = app.db.ds.createQueryRunner();
      try {
        await rewind(head)(q);
        const report = await verifyAccessLog(q, TEST_AUDIT_KEY, 5000, [checkpoint]);
        expect(report.problems).toEqual([`chain ${head.organisation_id}/${head.shard} batch ${head.seq}: in the checkpoint of ${checkpoint.at} but no longer in the log (newest batches removed, head set back)`]);
      } finally {
        await q.release();
        await restore();
      }
      const intact = app.db.ds.createQueryRunner();
      try {
        expect((await verifyAccessLog(intact, TEST_AUDIT_KEY, 5000, [checkpoint])).problems).toEqual([]);
      } finally {
        await intact.release();
      }
    });

    it('should refuse a checkpoint line that was edited or written without the key', async () => {
      const checkpoint = await takeCheckpoint(app.db.ds, TEST_AUDIT_KEY);
      const edited = { ...checkpoint, heads: checkpoint.heads.map((h, i) => (i === 0 ? { ...h, seq: String(BigInt(h.seq) - 1n) } : h)) };
      const forged = await takeCheckpoint(app.db.ds, Buffer.alloc(32, 9));
      const read = readCheckpoints([checkpoint, edited, forged].map((c) => JSON.stringify(c)).join('\n'), TEST_AUDIT_KEY);
      expect(read.checkpoints).toEqual([checkpoint]);
      expect(read.problems).toEqual([expect.stringMatching(/^checkpoint line 2 .*HMAC does not match/), expect.stringMatching(/^checkpoint line 3 .*HMAC does not match/)]);
    });
  });

  it('should be intact again after every case (each case restored)', async () => {
    expect((await verify()).problems).toEqual([]);
    const [{ diff }] = await app.db.ds.query(`SELECT (SELECT count(*) FROM (SELECT * FROM access_log_batch EXCEPT SELECT * FROM tamper_snapshot_batch) x)
      + (SELECT count(*) FROM (SELECT * FROM access_log_chain EXCEPT SELECT * FROM tamper_snapshot_chain) z) AS diff`);
    expect(Number(diff)).toBe(0);
  });

  it('should report no problem for requests whose events commit while it runs (a live server is not tampering)', async () => {
    const ds = app.db.ds;
    const org = await anOrganisation(ds);
    const worker = await aProfessional(ds, org);
    const { dossier } = await aDossier().withAssignment(worker).build(ds, org);
    const token = await app.staffToken(org, StaffRole.CARE_WORKER, worker);
    // Prime the organisation's chains, so that the appends below extend existing chains.
    for (let i = 0; i < 40; i += 1) await app.gql(READ, { id: dossier.id }, token);
    const q = ds.createQueryRunner();
    let appended = 0;
    // Before each of the verifier's statements, another request of the server commits its events.
    const live = {
      async query(sql: string, params?: unknown[]) {
        const res = await app.gql(READ, { id: dossier.id }, token);
        expect(res.errors).toBeUndefined();
        appended += 1;
        return q.query(sql, params as unknown[] | undefined);
      },
    };
    try {
      const report = await verifyAccessLog(live, TEST_AUDIT_KEY);
      expect(appended).toBeGreaterThan(1);
      expect(report.problems).toEqual([]);
    } finally {
      await q.release();
    }
    expect((await verify()).problems).toEqual([]);
    await restore();
  });

  it('should report every batch with the wrong key (the key, not the database, makes the log trustworthy)', async () => {
    const report = await verify(Buffer.alloc(32, 8));
    expect(report.problems.filter((p) => /HMAC does not match/.test(p))).toHaveLength(report.batches);
  });

  describe('the audit:verify script', () => {
    let build: string;
    beforeAll(async () => {
      // The same compiler and configuration as `npm run build`, into a directory of this test's own.
      build = mkdtempSync(path.join(tmpdir(), 'kluis-audit-verify-'));
      const started = Date.now();
      await run(path.join(ROOT, 'node_modules/.bin/swc'), ['src', 'migrations', 'scripts', '-d', build, '-q'], { cwd: ROOT });
      expect(Date.now() - started).toBeLessThan(20_000);
    });
    afterAll(() => rmSync(build, { recursive: true, force: true }));

    async function verifyScript(): Promise<{ code: number; stdout: string }> {
      const env = {
        ...process.env, DATABASE_URL: app.db.url, AUDIT_HMAC_KEY: TEST_AUDIT_KEY.toString('base64'),
        NODE_PATH: path.join(ROOT, 'node_modules'), KLUIS_DATA_DIR: build,
      };
      try {
        const { stdout } = await run(process.execPath, [path.join(build, 'scripts/audit-verify.js')], { cwd: ROOT, env });
        return { code: 0, stdout };
      } catch (err) {
        const e = err as { code?: number; stdout?: string; stderr?: string };
        return { code: e.code ?? -1, stdout: `${e.stdout ?? ''}${e.stderr ?? ''}` };
      }
    }

    it('should exit 0 and say intact for the intact log', async () => {
      const { code, stdout } = await verifyScript();
      expect({ code, stdout }).toEqual({ code: 0, stdout: expect.stringMatching(/intact/) });
      expect(stdout).not.toMatch(/PROBLEM/);
    });

    it('should exit 1 with a PROBLEM line after an event was edited, and 0 again once restored', async () => {
      expect(await rows(app.db.ds, DROP_BSN, [triple[0].id])).toBe(1);
      try {
        const { code, stdout } = await verifyScript();
        expect(code).toBe(1);
        expect(stdout).toMatch(/^PROBLEM .*HMAC does not match/m);
      } finally {
        await restore();
      }
      expect((await verifyScript()).code).toBe(0);
    });

    it('should write a checkpoint with audit:checkpoint that audit:verify then holds the log to', async () => {
      const env = { ...process.env, DATABASE_URL: app.db.url, AUDIT_HMAC_KEY: TEST_AUDIT_KEY.toString('base64'), NODE_PATH: path.join(ROOT, 'node_modules'), KLUIS_DATA_DIR: build };
      const { stdout } = await run(process.execPath, [path.join(build, 'scripts/audit-checkpoint.js')], { cwd: ROOT, env });
      expect(stdout).toMatch(/checkpoint of \d+ chain heads/);
      try {
        expect(await verifyScript()).toEqual({ code: 0, stdout: expect.stringMatching(/checkpoints: 1 from/) });
        await rewind(await newestBatch())(app.db.ds);
        const { code, stdout: report } = await verifyScript();
        expect(code).toBe(1);
        expect(report).toMatch(/^PROBLEM .*no longer in the log \(newest batches removed, head set back\)/m);
      } finally {
        rmSync(path.join(build, 'audit-checkpoints.jsonl'), { force: true });
        await restore();
      }
    });
  });
});
