import { randomUUID } from 'node:crypto';
import { APPEND_FUNCTION } from '../../src/audit/access-log';
import { StaffRole } from '../../src/entities/enums';
import { dutchToday } from '../../src/util/dates';
import { aDossier, anOrganisation, aProfessional, randomBsn } from '../support/builders';
import { eventCount, eventsOf } from '../support/access-log';
import { rowCount } from '../support/scenario-builders';
import { GqlResult, startTestApp, TestApp } from '../support/test-app';

const READ = `query Read($id: ID!) { dossier(id: $id) { id
  subject { firstName lastName bsn phone }
  entries { edges { node { text } } }
} }`;
const LIST = 'query List { dossiers(first: 100) { edges { node { id subject { firstName lastName bsn } } } } }';
const ADD_ENTRY = 'mutation AddEntry($input: AddEntryInput!) { addEntry(input: $input) { id text } }';
const UPDATE_PERSON = 'mutation UpdatePerson($input: UpdatePersonInput!) { updatePerson(input: $input) { id version firstName bsn } }';

/** The append function's full signature, as REVOKE/GRANT must name it. */
const APPEND_FN = APPEND_FUNCTION;
const PERMISSION_DENIED = '42501';

describe('access log: fail-closed and append-only under the application role (SPEC §6)', () => {
  let app: TestApp;
  let s: Awaited<ReturnType<typeof setup>>;

  beforeAll(async () => {
    app = await startTestApp({ asAppRole: true });
    s = await setup();
  });
  afterAll(async () => {
    try {
      // Whatever happened, the function is callable again for whoever shares this database.
      await app.db.ds.query(`GRANT EXECUTE ON FUNCTION ${APPEND_FN} TO kluis_app`);
    } finally {
      await app.close();
    }
  });

  async function setup() {
    const ds = app.db.ds;
    const org = await anOrganisation(ds);
    const worker = await aProfessional(ds, org);
    const built = await aDossier().withParent().withAssignment(worker).withEntries(2, worker.id).build(ds, org);
    const token = await app.staffToken(org, StaffRole.CARE_WORKER, worker);
    // The professional row exists before the log is cut off: provisioning is not what is tested.
    expect((await app.gql(READ, { id: built.dossier.id }, token)).status).toBe(200);
    const values = [built.subject.firstName, built.subject.lastName, built.subject.bsn!, built.subject.phone!, ...built.entries.map((e) => e.text),
      ...built.relatives.flatMap((r) => [r.person.firstName, r.person.lastName, r.person.bsn!])];
    return { org, worker, token, values, ...built };
  }

  /** Runs `work` with EXECUTE on the append function revoked from the application role, restoring it afterwards. */
  async function withLogUnavailable<T>(work: () => Promise<T>): Promise<T> {
    await app.db.ds.query(`REVOKE EXECUTE ON FUNCTION ${APPEND_FN} FROM kluis_app`);
    try {
      return await work();
    } finally {
      await app.db.ds.query(`GRANT EXECUTE ON FUNCTION ${APPEND_FN} TO kluis_app`);
    }
  }

  function expectWithheld(res: GqlResult) {
    expect(res.status).toBe(503);
    expect(res.response.body.data).toBeUndefined();
    expect(res.errors?.map((e) => e.extensions.code)).toEqual(['ACCESS_LOG_UNAVAILABLE']);
    const raw = res.response.text;
    for (const value of s.values) expect(raw).not.toContain(value);
  }

  it('should run the app as a member of kluis_app that is not a superuser', async () => {
    const [me] = await app.appDs.query('SELECT current_user AS name, r.rolsuper AS super, pg_has_role(current_user, \'kluis_app\', \'MEMBER\') AS member FROM pg_roles r WHERE r.rolname = current_user');
    expect(me).toEqual({ name: app.appRole, super: false, member: true });
  });

  describe('when the log cannot be written', () => {
    it('should answer a read of sensitive fields with HTTP 503, ACCESS_LOG_UNAVAILABLE and no sensitive value anywhere in the body', async () => {
      const before = await eventCount(app.db.ds);
      const [one, list] = await withLogUnavailable(async () => [await app.gql(READ, { id: s.dossier.id }, s.token), await app.gql(LIST, {}, s.token)]);
      expectWithheld(one);
      expectWithheld(list);
      expect(one.errors![0].message).toMatch(/access log/i);
      expect(await eventsOf(app.db.ds, one)).toEqual([]);
      expect(await eventCount(app.db.ds)).toBe(before);
    });

    it('should also withhold a NOT_FOUND answer whose DENIED event cannot be written', async () => {
      const colleague = await aProfessional(app.db.ds, s.org);
      const token = await app.staffToken(s.org, StaffRole.CARE_WORKER, colleague);
      const res = await withLogUnavailable(() => app.gql(READ, { id: s.dossier.id }, token));
      expect(res.status).toBe(503);
      expect(res.errors?.map((e) => e.extensions.code)).toEqual(['ACCESS_LOG_UNAVAILABLE']);
    });

    it('should change nothing on addEntry and say ACCESS_LOG_UNAVAILABLE', async () => {
      const entries = await rowCount(app.db.ds, 'entry', 'dossier_id = $1', [s.dossier.id]);
      const [dossierBefore] = await app.db.ds.query('SELECT version, last_changed_at, last_contact_on FROM dossier WHERE id = $1', [s.dossier.id]);
      const text = `Niet vastgelegd ${randomUUID()}`;
      const res = await withLogUnavailable(() => app.gql(ADD_ENTRY, { input: { dossierId: s.dossier.id, kind: 'CONTACT', occurredOn: dutchToday(), text } }, s.token));
      expect(res.response.body.data?.addEntry ?? null).toBeNull();
      expect(res.errors?.map((e) => e.extensions.code)).toContain('ACCESS_LOG_UNAVAILABLE');
      expect(res.response.text).not.toContain(text);
      expect(await rowCount(app.db.ds, 'entry', 'dossier_id = $1', [s.dossier.id])).toBe(entries);
      expect(await rowCount(app.db.ds, 'entry', 'text = $1', [text])).toBe(0);
      expect((await app.db.ds.query('SELECT version, last_changed_at, last_contact_on FROM dossier WHERE id = $1', [s.dossier.id]))[0]).toEqual(dossierBefore);
    });

    it('should change nothing on updatePerson and say ACCESS_LOG_UNAVAILABLE', async () => {
      const [before] = await app.db.ds.query('SELECT first_name, bsn, version FROM person WHERE id = $1', [s.subject.id]);
      const bsn = randomBsn();
      const res = await withLogUnavailable(() => app.gql(UPDATE_PERSON, { input: { dossierId: s.dossier.id, id: s.subject.id, version: before.version, firstName: 'Gewijzigd', bsn } }, s.token));
      expect(res.response.body.data?.updatePerson ?? null).toBeNull();
      expect(res.errors?.map((e) => e.extensions.code)).toContain('ACCESS_LOG_UNAVAILABLE');
      expect(res.response.text).not.toContain(bsn);
      expect((await app.db.ds.query('SELECT first_name, bsn, version FROM person WHERE id = $1', [s.subject.id]))[0]).toEqual(before);
    });

    it('should answer the same read again, and log it, once EXECUTE is restored', async () => {
      await withLogUnavailable(async () => expectWithheld(await app.gql(READ, { id: s.dossier.id }, s.token)));
      const res = await app.gql(READ, { id: s.dossier.id }, s.token);
      expect(res.status).toBe(200);
      expect(res.errors).toBeUndefined();
      expect(res.data?.dossier.subject.bsn).toBe(s.subject.bsn);
      const events = await eventsOf(app.db.ds, res);
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ action: 'READ', outcome: 'GRANTED', dossier_id: s.dossier.id });
      // And writes work again, with their event.
      const added = await app.gql(ADD_ENTRY, { input: { dossierId: s.dossier.id, kind: 'CONTACT', occurredOn: dutchToday(), text: `Weer vastgelegd ${randomUUID()}` } }, s.token);
      expect(added.errors).toBeUndefined();
      expect((await eventsOf(app.db.ds, added)).map((e) => e.action).sort()).toEqual(['CREATE', 'READ']);
    });
  });

  describe('the application role on the log tables', () => {
    const refused = async (sql: string, codes = [PERMISSION_DENIED]) => {
      const err = await app.appDs.query(sql).then(() => null, (e: { code?: string; message?: string }) => e);
      // The statement stays in the message, and an unexpected code or success shows as itself.
      const code = err?.code ?? 'succeeded';
      expect({ sql, code: codes.includes(code) ? 'refused' : code }).toEqual({ sql, code: 'refused' });
    };
    // The view joins two tables, so PostgreSQL refuses writing through it before it looks at
    // privileges (55000: not updatable; 42809: TRUNCATE of a view); the tables behind it refuse the role.
    const VIEW_REFUSALS = [PERMISSION_DENIED, '55000', '42809'];

    it('should be able to read the log (and so to serve it)', async () => {
      const [row] = await app.appDs.query('SELECT count(*)::int AS n FROM access_log_event');
      expect(row.n).toBeGreaterThan(0);
    });

    it('should be refused UPDATE, DELETE, INSERT and TRUNCATE on the access_log_event view, and leave every row as it was', async () => {
      const before = await app.db.ds.query('SELECT id, granted_fields, outcome FROM access_log_event ORDER BY id');
      expect(before.length).toBeGreaterThan(0);
      const id = before[0].id;
      await refused(`UPDATE access_log_event SET outcome = 'DENIED' WHERE id = '${id}'`, VIEW_REFUSALS);
      await refused(`UPDATE access_log_event SET granted_fields = '{}'`, VIEW_REFUSALS);
      await refused(`DELETE FROM access_log_event WHERE id = '${id}'`, VIEW_REFUSALS);
      await refused('DELETE FROM access_log_event', VIEW_REFUSALS);
      await refused(`INSERT INTO access_log_event SELECT * FROM access_log_event WHERE id = '${id}'`, VIEW_REFUSALS);
      await refused('TRUNCATE access_log_event', VIEW_REFUSALS);
      expect(await app.db.ds.query('SELECT id, granted_fields, outcome FROM access_log_event ORDER BY id')).toEqual(before);
    });

    it('should be refused the same on the table behind it (the batches holding the events), and on each of its partitions', async () => {
      const before = await app.db.ds.query('SELECT * FROM access_log_event ORDER BY id');
      for (const table of ['access_log_batch']) {
        const parts: { name: string }[] = await app.db.ds.query(`SELECT c.oid::regclass::text AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
          WHERE i.inhparent = $1::regclass ORDER BY 1`, [table]);
        expect(parts.map((p) => p.name)).toContain(`${table}_default`);
        const [{ current }] = await app.db.ds.query(`SELECT tableoid::regclass::text AS current FROM ${table} LIMIT 1`);
        for (const name of [table, `${table}_default`, current]) {
          await refused(`UPDATE ${name} SET occurred_at = occurred_at - interval '1 day'`);
          await refused(`DELETE FROM ${name}`);
          await refused(`INSERT INTO ${name} SELECT * FROM ${table} LIMIT 1`);
          await refused(`TRUNCATE ${name}`);
        }
      }
      expect(await app.db.ds.query('SELECT * FROM access_log_event ORDER BY id')).toEqual(before);
    });

    it('should be refused UPDATE, DELETE, INSERT and TRUNCATE on access_log_chain', async () => {
      const before = await app.db.ds.query('SELECT organisation_id, shard, seq::text, head FROM access_log_chain ORDER BY 1, 2');
      expect(before.length).toBeGreaterThan(0);
      await refused(`UPDATE access_log_chain SET seq = seq - 1`);
      await refused(`UPDATE access_log_chain SET head = sha256('x'::bytea)`);
      await refused('DELETE FROM access_log_chain');
      await refused(`INSERT INTO access_log_chain (organisation_id, shard, seq, head) VALUES (gen_random_uuid(), 0, 0, '\\x00')`);
      await refused('TRUNCATE access_log_chain');
      expect(await app.db.ds.query('SELECT organisation_id, shard, seq::text, head FROM access_log_chain ORDER BY 1, 2')).toEqual(before);
    });

    it('should be refused dropping or altering the log', async () => {
      const err = async (sql: string) => (await app.appDs.query(sql).then(() => null, (e: { code?: string }) => e))?.code;
      expect(await err('DROP VIEW access_log_event')).toBe(PERMISSION_DENIED);
      expect(await err('CREATE OR REPLACE VIEW access_log_event AS SELECT * FROM access_log_event LIMIT 0')).toBe(PERMISSION_DENIED);
      for (const table of ['access_log_batch']) {
        expect(await err(`DROP TABLE ${table}_default`)).toBe(PERMISSION_DENIED);
        expect(await err(`ALTER TABLE ${table} DETACH PARTITION ${table}_default`)).toBe(PERMISSION_DENIED);
        expect(await err(`ALTER TABLE ${table} DISABLE TRIGGER ALL`)).toBe(PERMISSION_DENIED);
      }
    });
  });
});
