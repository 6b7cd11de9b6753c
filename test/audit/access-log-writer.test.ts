import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { AccessAction, batchFrom, DecisionRecord, EventBatch, eventsOfBatch, Queryable } from '../../src/audit/access-log';
import { AccessLogWriter } from '../../src/audit/access-log-writer';
import { verifyAccessLog } from '../../src/audit/verify';
import type { AuthenticatedViewer } from '../../src/auth/viewer';
import { StaffRole } from '../../src/entities/enums';
import { aDossier, anOrganisation, aProfessional } from '../support/builders';
import { eventsOf } from '../support/access-log';
import { startTestApp, TEST_AUDIT_KEY, TestApp } from '../support/test-app';

/** A care worker's read of `n` dossiers of `organisationId`: one request's batch. */
function aBatch(organisationId: string, n = 3): EventBatch {
  const viewer: AuthenticatedViewer = { kind: 'staff', sub: `cw-${randomUUID()}`, organisationId, role: StaffRole.CARE_WORKER, clientApp: null };
  const records: DecisionRecord[] = Array.from({ length: n }, (_, i) => ({
    dossierId: randomUUID(), subjectId: randomUUID(), action: 'READ',
    grants: [{ relationship: 'care_worker', basisId: null, categories: null, expiresAt: null }],
    granted: new Set(['Dossier.status', 'Person.firstName']), denied: new Set(i % 2 ? ['Person.bsn'] : []),
    pseudonymised: new Set(), written: new Set(), flushed: false,
  }));
  return batchFrom(records, viewer, { requestId: randomUUID(), operationName: 'Caseload', sourceAddress: null })!;
}

/** The database, with every statement sent through it kept: how many commits a group took. */
function counted(ds: DataSource): Queryable & { sent: string[] } {
  const sent: string[] = [];
  return { sent, query: (sql, params) => (sent.push(sql), ds.query(sql, params)) };
}

/** What the log holds for a batch, compared on what the batch says (ids and time are the database's). */
async function logged(ds: DataSource, batch: EventBatch) {
  return (await eventsOf(ds, batch.request.request_id)).map(({ dossier_id, subject_person_id, granted_fields, denied_fields, actor_sub, batch_pos }) =>
    ({ dossier_id, subject_person_id, granted_fields, denied_fields, actor_sub, batch_pos }));
}
const expected = (batch: EventBatch) => eventsOfBatch(batch).map(({ dossier_id, subject_person_id, granted_fields, denied_fields, actor_sub }, batch_pos) =>
  ({ dossier_id, subject_person_id, granted_fields, denied_fields, actor_sub, batch_pos }));
const byPos = <T extends { batch_pos: number }>(rows: T[]) => [...rows].sort((a, b) => a.batch_pos - b.batch_pos);

describe('access log: the group commit of the read path (AccessLogWriter)', () => {
  let app: TestApp;
  let ds: DataSource;
  let orgA: string;
  let orgB: string;

  beforeAll(async () => {
    app = await startTestApp();
    ds = app.db.ds;
    orgA = (await anOrganisation(ds)).id;
    orgB = (await anOrganisation(ds)).id;
  });
  afterAll(() => app.close());

  it('should send a batch at once when no append is running, and resolve only once its events are committed', async () => {
    const db = counted(ds);
    const writer = new AccessLogWriter(db, TEST_AUDIT_KEY);
    for (const batch of [aBatch(orgA), aBatch(orgA, 1)]) {
      await writer.append(batch);
      // Read on another connection: committed, not merely sent.
      expect(byPos(await logged(ds, batch))).toEqual(expected(batch));
    }
    expect(db.sent).toHaveLength(2);
  });

  it('should commit the batches of requests finishing while appends run in one statement, each with its own events and chain position', async () => {
    const db = counted(ds);
    const writer = new AccessLogWriter(db, TEST_AUDIT_KEY, { maxInFlight: 2, maxGroup: 64 });
    const batches = Array.from({ length: 20 }, (_, i) => aBatch(i % 3 ? orgA : orgB, 1 + (i % 4)));
    await Promise.all(batches.map((b) => writer.append(b)));
    // The first two go at once; the other 18 wait for a free slot and share it.
    expect(db.sent).toHaveLength(3);
    for (const batch of batches) expect(byPos(await logged(ds, batch))).toEqual(expected(batch));
    const report = await verifyAccessLog(ds, TEST_AUDIT_KEY);
    expect(report.problems).toEqual([]);
    expect(report.batches).toBeGreaterThanOrEqual(20);
  });

  it('should take at most maxGroup batches per statement', async () => {
    const db = counted(ds);
    const writer = new AccessLogWriter(db, TEST_AUDIT_KEY, { maxInFlight: 1, maxGroup: 4 });
    const batches = Array.from({ length: 10 }, () => aBatch(orgB, 1));
    await Promise.all(batches.map((b) => writer.append(b)));
    // 1 at once, then 4, 4 and 1.
    expect(db.sent).toHaveLength(4);
    for (const batch of batches) expect(await logged(ds, batch)).toHaveLength(1);
  });

  it('should not deadlock two writers appending groups of the same organisations at once, and keep every chain verifiable', async () => {
    // Two processes of a deployment: each groups its own requests, both lock chain heads.
    const writers = [new AccessLogWriter(ds, TEST_AUDIT_KEY, { maxInFlight: 2, maxGroup: 64 }), new AccessLogWriter(ds, TEST_AUDIT_KEY, { maxInFlight: 2, maxGroup: 64 })];
    const batches = Array.from({ length: 120 }, (_, i) => aBatch([orgA, orgB][(i >> 1) % 2], 2));
    await Promise.all(batches.map((b, i) => writers[i % 2].append(b)));
    for (const batch of batches) expect(await logged(ds, batch)).toHaveLength(2);
    expect((await verifyAccessLog(ds, TEST_AUDIT_KEY)).problems).toEqual([]);
  });

  it('should commit the other batches of a group when PostgreSQL refuses one of them, and reject only that one', async () => {
    const db = counted(ds);
    const writer = new AccessLogWriter(db, TEST_AUDIT_KEY, { maxInFlight: 1, maxGroup: 64 });
    const batches = Array.from({ length: 5 }, () => aBatch(orgA, 2));
    // An action the log does not know: sealed without complaint, refused by the append function.
    const bad = batches[3];
    bad.shapes[0] = { ...bad.shapes[0], action: 'PEEK' as AccessAction };
    const outcomes = await Promise.allSettled(batches.map((b) => writer.append(b)));
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    expect((outcomes[3] as PromiseRejectedResult).reason.message).toMatch(/access log batch shapes are inconsistent/);
    for (const batch of batches) expect(await logged(ds, batch)).toHaveLength(batch === bad ? 0 : 2);
    // Alone, then the group of four that failed, then each of the four again alone.
    expect(db.sent).toHaveLength(1 + 1 + 4);
    expect((await verifyAccessLog(ds, TEST_AUDIT_KEY)).problems).toEqual([]);
  });

  it('should fail only its own request when a batch cannot be sealed', async () => {
    const db = counted(ds);
    const writer = new AccessLogWriter(db, TEST_AUDIT_KEY);
    const good = aBatch(orgA, 2);
    const broken = aBatch(orgA, 2);
    // An event naming a shape the batch does not have: its HMAC cannot be computed.
    broken.shapeOf[1] = 7;
    // Ids that are not uuids cannot be encoded for the database (and must not reach the log as something else).
    const notUuid = aBatch(orgA, 2);
    notUuid.dossierIds[1] = 'not-a-uuid';
    const alsoNotUuid = aBatch(orgA, 2);
    alsoNotUuid.subjectIds[0] = `${randomUUID().slice(0, 35)}g`;
    const outcomes = await Promise.allSettled([writer.append(broken), writer.append(notUuid), writer.append(alsoNotUuid), writer.append(good)]);
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected', 'rejected', 'fulfilled']);
    expect((outcomes[1] as PromiseRejectedResult).reason.message).toMatch(/not a uuid/);
    expect((outcomes[2] as PromiseRejectedResult).reason.message).toMatch(/not a uuid/);
    expect(db.sent).toHaveLength(1);
    expect(await logged(ds, good)).toHaveLength(2);
    for (const batch of [broken, notUuid, alsoNotUuid]) expect(await logged(ds, batch)).toEqual([]);
  });

  it('should reject every request of a group, and not retry, when the statement may have committed (no answer from PostgreSQL)', async () => {
    let calls = 0;
    const lost: Queryable = {
      query: (sql, params) => {
        calls += 1;
        // The second statement (the group) loses its connection after it was sent.
        return calls === 2 ? ds.query(sql, params).then(() => Promise.reject(new Error('Connection terminated unexpectedly'))) : ds.query(sql, params);
      },
    };
    const writer = new AccessLogWriter(lost, TEST_AUDIT_KEY, { maxInFlight: 1, maxGroup: 64 });
    const batches = Array.from({ length: 4 }, () => aBatch(orgB, 1));
    const outcomes = await Promise.allSettled(batches.map((b) => writer.append(b)));
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'rejected']);
    expect(calls).toBe(2);
    // Committed once, not twice: a retry would have logged the same events again.
    for (const batch of batches.slice(1)) expect(await logged(ds, batch)).toHaveLength(1);
  });

  it('should log every one of many concurrent HTTP reads with its own events before answering it', async () => {
    const org = await anOrganisation(ds);
    const worker = await aProfessional(ds, org);
    const dossiers = await Promise.all(Array.from({ length: 6 }, () => aDossier().withAssignment(worker).build(ds, org)));
    const token = await app.staffToken(org, StaffRole.CARE_WORKER, worker);
    const read = 'query Read($id: ID!) { dossier(id: $id) { id subject { firstName bsn } } }';
    const reads = Array.from({ length: 30 }, (_, i) => dossiers[i % dossiers.length]);
    const responses = await Promise.all(reads.map((d) => app.gql(read, { id: d.dossier.id }, token)));
    for (const [i, res] of responses.entries()) {
      expect(res.status).toBe(200);
      expect(res.data?.dossier.subject.bsn).toBe(reads[i].subject.bsn);
      const events = await eventsOf(ds, res);
      expect(events.map((e) => [e.dossier_id, e.granted_fields])).toEqual([[reads[i].dossier.id, expect.arrayContaining(['Person.bsn', 'Person.firstName'])]]);
    }
    expect((await verifyAccessLog(ds, TEST_AUDIT_KEY)).problems).toEqual([]);
  });
});
