import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { QueryRunner } from 'typeorm';
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
const ADD_ENTRY = 'mutation AddEntry($input: AddEntryInput!) { addEntry(input: $input) { id } }';

describe('access log: tamper evidence (SPEC §6, `npm run audit:verify`)', () => {
  let app: TestApp;
  /** A batch of three events (one request over three dossiers). */
  let triple: LoggedEvent[];

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
      const added = await app.gql(ADD_ENTRY, { input: { dossierId: built[0].dossier.id, kind: 'CONTACT', occurredOn: dutchToday(), text: 'Telefonisch contact' } }, token);
      expect(added.errors).toBeUndefined();
      for (let i = 0; i < 12; i += 1) await app.gql(READ, { id: built[i % 3].dossier.id }, token);
    }
    expect(triple).toHaveLength(3);
    await app.db.ds.query('CREATE TABLE tamper_snapshot_event AS SELECT * FROM access_log_event');
    await app.db.ds.query('CREATE TABLE tamper_snapshot_chain AS SELECT * FROM access_log_chain');
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
   * and restores the log from the snapshot taken in beforeAll: every case starts from the same
   * intact log.
   */
  async function tampered(tamper: (q: QueryRunner) => Promise<unknown>): Promise<VerifyReport> {
    const q = app.db.ds.createQueryRunner();
    try {
      await tamper(q);
    } finally {
      await q.release();
    }
    try {
      return await verify();
    } finally {
      await restore();
    }
  }

  async function restore(): Promise<void> {
    await app.db.ds.transaction(async (em) => {
      await em.query('DELETE FROM access_log_event');
      await em.query('INSERT INTO access_log_event SELECT * FROM tamper_snapshot_event');
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

  /** Deletes the newest batch of a chain and sets its head back to the batch before: consistent without a checkpoint. */
  const rewind = (head: { organisation_id: string; shard: number; seq: string }) => async (q: { query(sql: string, params?: unknown[]): Promise<unknown> }) => {
    await q.query('DELETE FROM access_log_event WHERE organisation_id = $1 AND chain_shard = $2 AND chain_seq = $3', [head.organisation_id, head.shard, head.seq]);
    await q.query(
      `UPDATE access_log_chain c SET seq = c.seq - 1, head = (SELECT e.chain_hash FROM access_log_event e
         WHERE e.organisation_id = c.organisation_id AND e.chain_shard = c.shard AND e.chain_seq = c.seq - 1 LIMIT 1)
       WHERE c.organisation_id = $1 AND c.shard = $2`,
      [head.organisation_id, head.shard],
    );
  };

  it('should report no problem for the intact log, and count every chain, batch and event', async () => {
    const report = await verify();
    expect(report.problems).toEqual([]);
    const [counts] = await app.db.ds.query(`SELECT (SELECT count(*)::int FROM access_log_chain) AS chains,
      (SELECT count(DISTINCT (organisation_id, chain_shard, chain_seq))::int FROM access_log_event) AS batches, (SELECT count(*)::int FROM access_log_event) AS events`);
    expect(report).toMatchObject(counts);
    expect(report.events).toBeGreaterThan(30);
  });

  it('should report an event whose granted_fields were edited', async () => {
    const report = await tampered((q) => q.query(`UPDATE access_log_event SET granted_fields = array_remove(granted_fields, 'Person.bsn') WHERE id = $1`, [triple[0].id]));
    expect(report.problems.length).toBeGreaterThan(0);
    expect(report.problems.join('\n')).toMatch(/HMAC does not match/);
  });

  it('should report an edit of any other column (outcome, actor, time, purpose)', async () => {
    for (const set of [`outcome = 'DENIED'`, `actor_sub = 'someone-else'`, `occurred_at = occurred_at - interval '1 hour'`, `purpose = 'AUDIT'`, `dossier_id = gen_random_uuid()`]) {
      const report = await tampered((q) => q.query(`UPDATE access_log_event SET ${set} WHERE id = $1`, [triple[1].id]));
      expect({ set, reported: report.problems.length > 0 }).toEqual({ set, reported: true });
    }
  });

  it('should report a deleted event', async () => {
    const report = await tampered((q) => q.query('DELETE FROM access_log_event WHERE id = $1', [triple[1].id]));
    expect(report.problems.length).toBeGreaterThan(0);
    expect(report.problems.join('\n')).toMatch(/2 of 3 events present|HMAC does not match/);
  });

  it('should report a forged event (a copy of a row with a new id)', async () => {
    const report = await tampered((q) => q.query(
      `INSERT INTO access_log_event SELECT (jsonb_populate_record(NULL::access_log_event, to_jsonb(e) || jsonb_build_object('id', gen_random_uuid()))).*
       FROM access_log_event e WHERE id = $1`,
      [triple[2].id],
    ));
    expect(report.problems.length).toBeGreaterThan(0);
  });

  it('should report a forged event appended at the end of a batch, with its size and positions made consistent', async () => {
    const report = await tampered(async (q) => {
      await q.query(
        `INSERT INTO access_log_event SELECT (jsonb_populate_record(NULL::access_log_event, to_jsonb(e)
           || jsonb_build_object('id', gen_random_uuid(), 'batch_pos', e.batch_size, 'dossier_id', gen_random_uuid()))).*
         FROM access_log_event e WHERE id = $1`,
        [triple[2].id],
      );
      await q.query('UPDATE access_log_event SET batch_size = batch_size + 1 WHERE organisation_id = $1 AND chain_shard = $2 AND chain_seq = $3', [triple[0].organisation_id, triple[0].chain_shard, triple[0].chain_seq]);
    });
    expect(report.problems.join('\n')).toMatch(/HMAC does not match/);
  });

  it('should report a forged event in a chain of its own (no chain head)', async () => {
    const report = await tampered((q) => q.query(
      `INSERT INTO access_log_event SELECT (jsonb_populate_record(NULL::access_log_event, to_jsonb(e)
         || jsonb_build_object('id', gen_random_uuid(), 'organisation_id', gen_random_uuid(), 'chain_seq', 1, 'batch_pos', 0, 'batch_size', 1))).*
       FROM access_log_event e WHERE id = $1`,
      [triple[0].id],
    ));
    expect(report.problems.join('\n')).toMatch(/belong to no chain/);
  });

  it('should report the newest whole batch of a chain deleted', async () => {
    const head = await newestBatch();
    const report = await tampered((q) => q.query('DELETE FROM access_log_event WHERE organisation_id = $1 AND chain_shard = $2 AND chain_seq = $3', [head.organisation_id, head.shard, head.seq]));
    expect(report.problems.length).toBeGreaterThan(0);
    expect(report.problems.join('\n')).toMatch(/newest batches removed|head/);
  });

  it('should report a whole batch deleted from the middle of a chain', async () => {
    const head = await newestBatch();
    const report = await tampered((q) => q.query('DELETE FROM access_log_event WHERE organisation_id = $1 AND chain_shard = $2 AND chain_seq = 1', [head.organisation_id, head.shard]));
    expect(report.problems.join('\n')).toMatch(/missing \(removed\)/);
  });

  it('should report two batches swapped in order', async () => {
    const head = await newestBatch();
    const report = await tampered(async (q) => {
      const where = 'organisation_id = $1 AND chain_shard = $2';
      await q.query(`UPDATE access_log_event SET chain_seq = -chain_seq WHERE ${where} AND chain_seq IN (1, 2)`, [head.organisation_id, head.shard]);
      await q.query(`UPDATE access_log_event SET chain_seq = CASE chain_seq WHEN -1 THEN 2 ELSE 1 END WHERE ${where} AND chain_seq IN (-1, -2)`, [head.organisation_id, head.shard]);
    });
    expect(report.problems.length).toBeGreaterThan(0);
  });

  describe('with checkpoints of the chain heads kept outside the database', () => {
    it('should not see a rewound chain without a checkpoint (the limit checkpoints close)', async () => {
      const report = await tampered(rewind(await newestBatch()));
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
      await app.db.ds.query(`UPDATE access_log_event SET granted_fields = array_remove(granted_fields, 'Person.bsn') WHERE id = $1`, [triple[0].id]);
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
