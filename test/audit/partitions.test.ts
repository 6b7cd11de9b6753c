import { randomUUID } from 'node:crypto';
import { AccessLogEventInput, appendEvents } from '../../src/audit/access-log';
import { verifyAccessLog } from '../../src/audit/verify';
import { StaffRole } from '../../src/entities/enums';
import { aDossier, anOrganisation, aProfessional } from '../support/builders';
import { eventsOf } from '../support/access-log';
import { startTestApp, TEST_AUDIT_KEY, TestApp } from '../support/test-app';

const READ = 'query Read($id: ID!) { dossier(id: $id) { id subject { firstName } } }';

/** The log's one table: each request's batch row, its events inside as arrays. */
const TABLES = ['access_log_batch'];

/** `access_log_batch_YYYY_MM` of the month `offset` months from `from` (UTC). */
function partitionName(offset: number, from = new Date(), table = 'access_log_batch'): string {
  const d = new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth() + offset, 1));
  return `${table}_${d.getUTCFullYear()}_${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}

/** The month's partitions of the log: a request's batch row and its events are kept, and dropped, together. */
const ofMonth = (offset: number, from = new Date()) => TABLES.map((t) => partitionName(offset, from, t));

/** The middle of the month `offset` months from now (UTC). */
function midMonth(offset: number): Date {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + offset, 15, 12));
}

describe('access log: monthly partitions (SPEC §6 retention)', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ asAppRole: true });
    // Partition bounds are dates in the session time zone; these tests reason in UTC.
    const [{ tz }] = await app.db.ds.query(`SELECT current_setting('TimeZone') AS tz`);
    expect(['UTC', 'Etc/UTC', 'GMT', 'Etc/GMT']).toContain(tz);
  });
  afterAll(() => app.close());

  /** The partitions of the log. */
  async function partitions(): Promise<string[]> {
    const rows: { name: string }[] = await app.db.ds.query(`SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
      WHERE i.inhparent = 'access_log_batch'::regclass ORDER BY 1`);
    return rows.map((r) => r.name);
  }

  /** The partition holding a request's batch row, and so its events. */
  async function partitionOf(requestId: string): Promise<string[]> {
    const batch: { name: string }[] = await app.db.ds.query('SELECT tableoid::regclass::text AS name FROM access_log_batch WHERE request_id = $1', [requestId]);
    return batch.map((b) => b.name);
  }

  async function forget(orgId: string): Promise<void> {
    for (const t of [...TABLES, 'access_log_chain']) await app.db.ds.query(`DELETE FROM ${t} WHERE organisation_id = $1`, [orgId]);
  }

  /** One event of a made-up request at a chosen time, appended the way the application does (HMAC'd, chained). */
  async function appendAt(orgId: string, at: Date): Promise<string> {
    const requestId = randomUUID();
    const event: AccessLogEventInput = {
      organisation_id: orgId, occurred_at: at.toISOString(), actor_sub: 'partition-test', actor_role: 'care_worker', relationship: 'care_worker',
      actor_person_id: null, client_app: null, action: 'READ', dossier_id: randomUUID(), subject_person_id: null, granted_fields: ['Person.firstName'],
      denied_fields: [], pseudonymised_fields: [], outcome: 'GRANTED', check_authorisation: true, check_care_relationship: true, check_consent: false,
      check_emergency: false, purpose: 'TREAT', legal_basis_ref: null, request_id: requestId, operation_name: null, source_address: null,
    };
    await appendEvents(app.db.ds, TEST_AUDIT_KEY, [event]);
    return requestId;
  }

  it('should keep a partition per month from last month to a year ahead, and a DEFAULT partition', async () => {
    const names = await partitions();
    for (let m = -1; m <= 12; m += 1) for (const n of ofMonth(m)) expect(names).toContain(n);
    expect(names).toContain('access_log_batch_default');
  });

  it('should store the events of a request in the partition of the month they happened in', async () => {
    const ds = app.db.ds;
    const org = await anOrganisation(ds);
    const worker = await aProfessional(ds, org);
    const { dossier } = await aDossier().withAssignment(worker).build(ds, org);
    const res = await app.gql(READ, { id: dossier.id }, await app.staffToken(org, StaffRole.CARE_WORKER, worker));
    expect(res.errors).toBeUndefined();
    const events = await eventsOf(ds, res);
    expect(events).toHaveLength(1);
    expect(await partitionOf(events[0].request_id)).toEqual(ofMonth(0, events[0].occurred_at));
    // The partition's own bounds agree.
    const [{ inside }] = await ds.query(`SELECT count(*)::int AS inside FROM ${events[0].partition} WHERE $1 = ANY (event_ids)`, [events[0].id]);
    expect(inside).toBe(1);
  });

  it('should route events of other months to their own partitions, and anything outside them to DEFAULT', async () => {
    const org = await anOrganisation(app.db.ds);
    for (const m of [-1, 1, 6]) expect(await partitionOf(await appendAt(org.id, midMonth(m)))).toEqual(ofMonth(m));
    expect(await partitionOf(await appendAt(org.id, new Date(Date.UTC(2001, 4, 1))))).toEqual(['access_log_batch_default']);
    // Partitioning does not disturb the chain.
    const q = app.db.ds.createQueryRunner();
    try {
      expect((await verifyAccessLog(q, TEST_AUDIT_KEY)).problems).toEqual([]);
    } finally {
      await q.release();
    }
    await forget(org.id);
  });

  it('should make kluis_ensure_access_log_partitions(3) idempotent, also when the application role calls it', async () => {
    const before = await partitions();
    const [first] = await app.appDs.query('SELECT kluis_ensure_access_log_partitions(3) AS created');
    const afterFirst = await partitions();
    const [second] = await app.appDs.query('SELECT kluis_ensure_access_log_partitions(3) AS created');
    expect(first.created).toBe(afterFirst.length - before.length);
    expect(second.created).toBe(0);
    expect(await partitions()).toEqual(afterFirst);
    for (let m = -1; m <= 3; m += 1) for (const n of ofMonth(m)) expect(afterFirst).toContain(n);
  });

  it('should create exactly the missing months when asked further ahead, and nothing the second time', async () => {
    const before = await partitions();
    const missing = [13, 14].flatMap((m) => ofMonth(m)).filter((n) => !before.includes(n));
    const [first] = await app.db.ds.query('SELECT kluis_ensure_access_log_partitions(14) AS created');
    expect(first.created).toBe(missing.length);
    const after = await partitions();
    expect(after).toEqual([...before, ...missing].sort());
    const [second] = await app.db.ds.query('SELECT kluis_ensure_access_log_partitions(14) AS created');
    expect(second.created).toBe(0);
  });

  it('should give every partition, old and new, statistics on the columns the log is searched by and on no other', async () => {
    await app.db.ds.query('SELECT kluis_ensure_access_log_partitions(15)');
    const targets: { name: string; column: string; target: number }[] = await app.db.ds.query(`SELECT c.relname AS name, a.attname AS column, coalesce(a.attstattarget::int, -1) AS target
      FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
      WHERE i.inhparent = 'access_log_batch'::regclass`);
    expect(targets.map((t) => t.name)).toContain(partitionName(15));
    // -1 is the default (NULL from PostgreSQL 17 on); 0 keeps no statistics.
    const expected = (column: string) => ({ dossier_ids: -1, organisation_id: -1, occurred_at: -1, actor_sub: -1 })[column] ?? 0;
    expect(targets.filter((t) => t.target !== expected(t.column))).toEqual([]);
    expect(targets.filter((t) => t.column === 'event_ids' && t.name === partitionName(15))).toEqual([{ name: partitionName(15), column: 'event_ids', target: 0 }]);
  });

  it('should keep batch rows of up to a page as they are in every partition, old and new, without trying to compress them', async () => {
    await app.db.ds.query('SELECT kluis_ensure_access_log_partitions(15)');
    const options: { name: string; options: string[] | null }[] = await app.db.ds.query(`SELECT c.relname AS name, c.reloptions AS options
      FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'access_log_batch'::regclass`);
    expect(options.map((o) => o.name)).toEqual(expect.arrayContaining([partitionName(15), 'access_log_batch_default']));
    expect(options.filter((o) => !o.options?.includes('toast_tuple_target=8160'))).toEqual([]);
  });

  it('should still create a month’s partition when the DEFAULT partition already holds events of that month (a server that ran long without it)', async () => {
    const org = await anOrganisation(app.db.ds);
    const at = midMonth(16);
    const requestId = await appendAt(org.id, at);
    expect(await partitionOf(requestId)).toEqual(['access_log_batch_default']);
    try {
      const created = await app.db.ds.query('SELECT kluis_ensure_access_log_partitions(17) AS created').then(([r]: { created: number }[]) => r.created, (e: Error) => e);
      expect(created).not.toBeInstanceOf(Error);
      expect(await partitions()).toEqual(expect.arrayContaining(ofMonth(16)));
      // The event and its batch were moved with it, so the month can later be dropped whole.
      expect(await partitionOf(requestId)).toEqual(ofMonth(16));
      // A partition made this way gets the log's statistics targets too.
      const targets = await app.db.ds.query(`SELECT attname AS column, coalesce(attstattarget::int, -1) AS target FROM pg_attribute
        WHERE attrelid = $1::regclass AND attname IN ('dossier_ids', 'event_ids') ORDER BY attname`, [partitionName(16)]);
      expect(targets).toEqual([{ column: 'dossier_ids', target: -1 }, { column: 'event_ids', target: 0 }]);
      const [{ options }] = await app.db.ds.query('SELECT reloptions AS options FROM pg_class WHERE oid = $1::regclass', [partitionName(16)]);
      expect(options).toEqual(['toast_tuple_target=8160']);
    } finally {
      await forget(org.id);
    }
  });
});
