import { randomUUID } from 'node:crypto';
import { appendEvents, AccessLogEventInput } from '../../src/audit/access-log';
import { anOrganisation } from '../support/builders';
import { createTestDatabase, TestDatabase } from '../support/database';
import { TEST_AUDIT_KEY } from '../support/test-app';

/** The append function is the log's only way in: it must refuse a malformed batch whole. */
describe('access log: the append function (SPEC §6)', () => {
  let db: TestDatabase;
  let org: string;
  beforeAll(async () => {
    db = await createTestDatabase();
    org = (await anOrganisation(db.ds)).id;
  });
  afterAll(() => db.drop());

  const event = (requestId: string, occurredAt: string, fields: Partial<AccessLogEventInput> = {}): AccessLogEventInput => ({
    organisation_id: org, occurred_at: occurredAt, actor_sub: 'staff-1', actor_role: 'care_worker', relationship: 'care_worker', actor_person_id: null,
    client_app: null, action: 'READ', dossier_id: randomUUID(), subject_person_id: randomUUID(), granted_fields: ['Person.firstName', 'Person.bsn'],
    denied_fields: [], pseudonymised_fields: [], outcome: 'GRANTED', check_authorisation: true, check_care_relationship: true, check_consent: false,
    check_emergency: false, purpose: 'TREAT', legal_basis_ref: null, request_id: requestId, operation_name: 'Test', source_address: '127.0.0.1', ...fields,
  });
  const rowsOf = (requestId: string) =>
    db.ds.query('SELECT dossier_id, action, granted_fields, denied_fields, outcome, legal_basis_ref, batch_pos FROM access_log_event WHERE request_id = $1 ORDER BY batch_pos', [requestId]);

  it('should store every event with its own fields when a batch mixes several shapes', async () => {
    const requestId = randomUUID();
    const at = new Date().toISOString();
    const basis = randomUUID();
    const events = [
      event(requestId, at),
      event(requestId, at, { granted_fields: [], denied_fields: ['Person.bsn'], outcome: 'DENIED', check_authorisation: false }),
      event(requestId, at),
      event(requestId, at, { action: 'UPDATE', granted_fields: ['Person.phone'], legal_basis_ref: basis }),
    ];
    await appendEvents(db.ds, TEST_AUDIT_KEY, events);
    expect(await rowsOf(requestId)).toEqual(events.map((e, i) => ({
      dossier_id: e.dossier_id, action: e.action, granted_fields: e.granted_fields, denied_fields: e.denied_fields, outcome: e.outcome,
      legal_basis_ref: e.legal_basis_ref, batch_pos: i,
    })));
  });

  it('should refuse a batch whose events name a shape that does not exist, and append nothing', async () => {
    const requestId = randomUUID();
    const call = (shapes: number[], dossiers = 2, ids = dossiers) => db.ds.query(
      `SELECT kluis_append_access_log($1, 0, '\\x00'::bytea, now(), 's', 'care_worker', NULL, NULL, $2, NULL, NULL, $3::uuid[], $3::uuid[], $4::integer[],
         ARRAY['READ'], ARRAY['care_worker'], ARRAY['Person.bsn'], ARRAY[''], ARRAY[''], ARRAY['GRANTED'], ARRAY[true], ARRAY[true], ARRAY[false],
         ARRAY[false], ARRAY['TREAT'], ARRAY[NULL]::text[], $5::uuid[])`,
      [org, requestId, Array.from({ length: dossiers }, () => randomUUID()), shapes, Array.from({ length: ids }, () => randomUUID())],
    );
    await expect(call([1, 2])).rejects.toThrow(/shapes are inconsistent/);
    await expect(call([1, 0])).rejects.toThrow(/shapes are inconsistent/);
    await expect(call([1], 2)).rejects.toThrow(/differ in length/);
    await expect(call([1, 1], 2, 1)).rejects.toThrow(/differ in length/);
    expect(await rowsOf(requestId)).toEqual([]);
    await call([1, 1]);
    expect(await rowsOf(requestId)).toHaveLength(2);
  });

  it('should refuse a batch whose shape arrays differ in length or name an unknown action, outcome or purpose, and append nothing', async () => {
    const requestId = randomUUID();
    const shape = { actions: ['READ'], relationships: ['care_worker'], outcomes: ['GRANTED'], purposes: ['TREAT'], consent: [false] };
    const call = (s: Partial<typeof shape> = {}) => {
      const x = { ...shape, ...s };
      return db.ds.query(
        `SELECT kluis_append_access_log($1, 0, '\\x00'::bytea, now(), 's', 'care_worker', NULL, NULL, $2, NULL, NULL, $3::uuid[], $3::uuid[], ARRAY[1],
           $4::text[], $5::text[], ARRAY['Person.bsn'], ARRAY[''], ARRAY[''], $6::text[], ARRAY[true], ARRAY[true], $7::boolean[],
           ARRAY[false], $8::text[], ARRAY[NULL]::text[], $9::uuid[])`,
        [org, requestId, [randomUUID()], x.actions, x.relationships, x.outcomes, x.consent, x.purposes, [randomUUID()]],
      );
    };
    await expect(call({ relationships: ['care_worker', 'parent'] })).rejects.toThrow(/shapes are inconsistent/);
    await expect(call({ consent: [] })).rejects.toThrow(/shapes are inconsistent/);
    await expect(call({ actions: ['PEEK'] })).rejects.toThrow(/shapes are inconsistent/);
    await expect(call({ outcomes: ['MAYBE'] })).rejects.toThrow(/shapes are inconsistent/);
    await expect(call({ purposes: ['CURIOSITY'] })).rejects.toThrow(/shapes are inconsistent/);
    await expect(call({ outcomes: [null as unknown as string] })).rejects.toThrow(/shapes are inconsistent/);
    expect(await rowsOf(requestId)).toEqual([]);
    await call();
    expect(await rowsOf(requestId)).toHaveLength(1);
  });

  it('should store the ids the application gives its events, and each dossier and subject id as sent, NULL included', async () => {
    const requestId = randomUUID();
    const at = new Date().toISOString();
    const events = [event(requestId, at), event(requestId, at, { dossier_id: null, subject_person_id: null, action: 'SEARCH' }), event(requestId, at, { subject_person_id: null })];
    await appendEvents(db.ds, TEST_AUDIT_KEY, events);
    const rows: { id: string; dossier_id: string | null; subject_person_id: string | null }[] = await db.ds.query(
      'SELECT id, dossier_id, subject_person_id FROM access_log_event WHERE request_id = $1 ORDER BY batch_pos', [requestId]);
    expect(rows.map(({ dossier_id, subject_person_id }) => ({ dossier_id, subject_person_id })))
      .toEqual(events.map(({ dossier_id, subject_person_id }) => ({ dossier_id, subject_person_id })));
    expect(new Set(rows.map((r) => r.id)).size).toBe(3);
    for (const { id } of rows) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('should refuse, before anything is sent, an id that is not a uuid in its canonical (lowercase) text', async () => {
    const requestId = randomUUID();
    const at = new Date().toISOString();
    // The HMAC covers the id as given; PostgreSQL would store `ABC…` and give back `abc…`, which would no longer verify.
    const sent: string[] = [];
    const counted = { query: (sql: string, params?: unknown[]) => (sent.push(sql), db.ds.query(sql, params)) };
    for (const dossier_id of ['not-a-uuid', randomUUID().toUpperCase(), `{${randomUUID()}}`, randomUUID().replace(/-/g, ''), `${randomUUID().slice(0, 35)}é`]) {
      await expect(appendEvents(counted, TEST_AUDIT_KEY, [event(requestId, at, { dossier_id })])).rejects.toThrow(/not a uuid/);
    }
    expect(sent).toEqual([]);
    expect(await rowsOf(requestId)).toEqual([]);
  });

  it('should start a new chain from its genesis and continue it on the next append', async () => {
    const other = (await anOrganisation(db.ds)).id;
    const at = new Date().toISOString();
    for (const requestId of [randomUUID(), randomUUID()]) await appendEvents(db.ds, TEST_AUDIT_KEY, [event(requestId, at, { organisation_id: other })]);
    const [{ batches, heads }] = await db.ds.query(
      `SELECT (SELECT count(*)::int FROM access_log_batch WHERE organisation_id = $1) AS batches,
              (SELECT coalesce(sum(seq), 0)::int FROM access_log_chain WHERE organisation_id = $1) AS heads`,
      [other],
    );
    expect(batches).toBe(2);
    // Each batch advanced its shard's chain by one: whether both landed on one shard or two, the seqs add up to 2.
    expect(heads).toBe(2);
  });
});
