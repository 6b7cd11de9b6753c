import { randomUUID } from 'node:crypto';
import { AssignmentRole, StaffRole } from '../../src/entities/enums';
import { addMonths, dutchToday } from '../../src/util/dates';
import { aDossier, anOrganisation, aPerson, aProfessional, randomBsn } from '../support/builders';
import { eventsOf, LoggedEvent } from '../support/access-log';
import { codes, rowCount } from '../support/scenario-builders';
import { startTestApp, TestApp } from '../support/test-app';

const ADD_ENTRY = 'mutation AddEntry($input: AddEntryInput!) { addEntry(input: $input) { id } }';
const ADD_ENTRY_READ_BACK = 'mutation AddEntry($input: AddEntryInput!) { addEntry(input: $input) { id text } }';
const TWO_ENTRIES = `mutation TwoEntries($a: AddEntryInput!, $b: AddEntryInput!) {
  a: addEntry(input: $a) { id }
  b: addEntry(input: $b) { id }
}`;
const UPDATE_DOSSIER = 'mutation UpdateDossier($input: UpdateDossierInput!) { updateDossier(input: $input) { id version } }';
const UPDATE_PERSON = 'mutation UpdatePerson($input: UpdatePersonInput!) { updatePerson(input: $input) { id version } }';
const CREATE_DOSSIER = 'mutation Intake($input: CreateDossierInput!) { createDossier(input: $input) { id subject { id } } }';

const WRITE_ACTIONS = ['CREATE', 'UPDATE', 'DELETE', 'EMERGENCY'];
const writesOf = (events: LoggedEvent[]) => events.filter((e) => WRITE_ACTIONS.includes(e.action));
const sorted = (xs: readonly string[]) => [...xs].sort();

describe('access log: writes commit with their event, or not at all (SPEC §5, §6)', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());

  /** The transaction id that wrote a row: a change and its event committed together share it. */
  async function writtenBy(table: string, id: string): Promise<string> {
    // An event is an element of its batch row's arrays: the row's transaction wrote it.
    const where = table === 'access_log_batch' ? '$1 = ANY (event_ids)' : 'id = $1';
    const rows: { x: string }[] = await app.db.ds.query(`SELECT xmin::text AS x FROM ${table} WHERE ${where}`, [id]);
    expect(rows).toHaveLength(1);
    return rows[0].x;
  }

  async function setup() {
    const ds = app.db.ds;
    const org = await anOrganisation(ds);
    const worker = await aProfessional(ds, org);
    const expert = await aProfessional(ds, org);
    const admin = await aProfessional(ds, org);
    const parent = await aPerson().aged(40).build(ds, org);
    const built = await aDossier().withParent(parent).withAssignment(worker).withAssignment(expert, AssignmentRole.BEHAVIOURAL_EXPERT)
      .withAssignment(admin, AssignmentRole.ADMIN_SUPPORT).build(ds, org);
    return {
      org, worker, expert, parent, ...built,
      token: await app.staffToken(org, StaffRole.CARE_WORKER, worker),
      expertToken: await app.staffToken(org, StaffRole.BEHAVIOURAL_EXPERT, expert),
      adminToken: await app.staffToken(org, StaffRole.ADMIN_SUPPORT, admin),
      parentToken: await app.clientToken(parent),
    };
  }

  const entryInput = (dossierId: string, text = `Huisbezoek ${randomUUID()}`) => ({ dossierId, kind: 'CONTACT', occurredOn: dutchToday(), text, hiddenFrom: ['PARENTS'] });

  describe('a successful write', () => {
    it('should commit addEntry and its CREATE event (Entry.text etc., no values) in the same transaction', async () => {
      const s = await setup();
      const input = entryInput(s.dossier.id);
      const res = await app.gql(ADD_ENTRY, { input }, s.token);
      expect(res.errors).toBeUndefined();
      const entryId = res.data?.addEntry.id as string;

      const events = await eventsOf(app.db.ds, res);
      expect(events).toHaveLength(1);
      const [e] = events;
      expect(e).toMatchObject({
        organisation_id: s.org.id, actor_sub: s.worker.subject, actor_role: 'care_worker', relationship: 'care_worker', action: 'CREATE',
        dossier_id: s.dossier.id, subject_person_id: s.subject.id, outcome: 'GRANTED', purpose: 'TREAT', check_authorisation: true,
        check_care_relationship: true, check_emergency: false, operation_name: 'AddEntry', denied_fields: [], pseudonymised_fields: [],
      });
      expect(sorted(e.granted_fields)).toEqual(['Entry.hiddenFrom', 'Entry.kind', 'Entry.occurredOn', 'Entry.text']);
      expect(JSON.stringify(e)).not.toContain(input.text);
      // Both present, and written by one transaction.
      expect(await rowCount(app.db.ds, 'entry', 'id = $1', [entryId])).toBe(1);
      expect(await writtenBy('access_log_batch', e.id)).toBe(await writtenBy('entry', entryId));
    });

    it('should log reading back what was written as a separate READ event of the same request', async () => {
      const s = await setup();
      const res = await app.gql(ADD_ENTRY_READ_BACK, { input: entryInput(s.dossier.id) }, s.token);
      expect(res.errors).toBeUndefined();
      const events = await eventsOf(app.db.ds, res);
      expect(events.map((e) => e.action).sort()).toEqual(['CREATE', 'READ']);
      expect(events.find((e) => e.action === 'READ')!.granted_fields).toEqual(['Entry.text']);
    });

    it('should commit updatePerson with its UPDATE event listing exactly the paths it changed', async () => {
      const s = await setup();
      const res = await app.gql(UPDATE_PERSON, { input: { dossierId: s.dossier.id, id: s.subject.id, version: s.subject.version, firstName: 'Noor', bsn: randomBsn() } }, s.token);
      expect(res.errors).toBeUndefined();
      const writes = writesOf(await eventsOf(app.db.ds, res));
      expect(writes).toHaveLength(1);
      expect(writes[0]).toMatchObject({ action: 'UPDATE', outcome: 'GRANTED', dossier_id: s.dossier.id, subject_person_id: s.subject.id });
      expect(sorted(writes[0].granted_fields)).toEqual(['Person.bsn', 'Person.firstName']);
      expect(await writtenBy('access_log_batch', writes[0].id)).toBe(await writtenBy('person', s.subject.id));
    });

    it('should give each of two writes in one request its own committed event', async () => {
      const s = await setup();
      const res = await app.gql(TWO_ENTRIES, { a: entryInput(s.dossier.id), b: entryInput(s.dossier.id) }, s.token);
      expect(res.errors).toBeUndefined();
      const writes = writesOf(await eventsOf(app.db.ds, res));
      const txOfEvents = await Promise.all(writes.map((e) => writtenBy('access_log_batch', e.id)));
      for (const id of [res.data?.a.id, res.data?.b.id]) {
        // Every committed change has an event committed with it.
        expect(txOfEvents).toContain(await writtenBy('entry', id));
      }
    });

    it('should commit an intake (createDossier) with its CREATE event naming the new dossier and subject', async () => {
      const s = await setup();
      const subject = { firstName: `Intake${randomUUID().slice(0, 8)}`, lastName: 'Bakker', dateOfBirth: addMonths(dutchToday(), -(9 * 12)), bsn: randomBsn() };
      const res = await app.gql(CREATE_DOSSIER, { input: { type: 'YOUTH_CARE', openedOn: dutchToday(), subject } }, s.token);
      expect(res.errors).toBeUndefined();
      const { id, subject: { id: subjectId } } = res.data?.createDossier;
      const writes = writesOf(await eventsOf(app.db.ds, res));
      expect(writes).toHaveLength(1);
      expect(writes[0]).toMatchObject({ action: 'CREATE', outcome: 'GRANTED', dossier_id: id, subject_person_id: subjectId, relationship: 'care_worker' });
      expect(writes[0].granted_fields).toEqual(expect.arrayContaining(['Person.firstName', 'Person.lastName', 'Person.bsn', 'Dossier.type']));
      expect(JSON.stringify(writes[0])).not.toContain(subject.firstName);
      expect(JSON.stringify(writes[0])).not.toContain(subject.bsn);
      expect(await writtenBy('access_log_batch', writes[0].id)).toBe(await writtenBy('dossier', id));
    });
  });

  describe('a write that fails', () => {
    it('should leave neither the change nor a write event when updateDossier is CONFLICT (stale version)', async () => {
      const s = await setup();
      const res = await app.gql(UPDATE_DOSSIER, { input: { id: s.dossier.id, version: s.dossier.version + 7, verwijsindexSignalOn: dutchToday() } }, s.token);
      expect(codes(res)).toEqual(['CONFLICT']);
      const [row] = await app.db.ds.query('SELECT version, verwijsindex_signal_on FROM dossier WHERE id = $1', [s.dossier.id]);
      expect(row).toEqual({ version: s.dossier.version, verwijsindex_signal_on: null });
      expect(writesOf(await eventsOf(app.db.ds, res))).toEqual([]);
    });

    it('should leave neither the change nor a write event when updatePerson is BAD_USER_INPUT (BSN fails the elfproef)', async () => {
      const s = await setup();
      const res = await app.gql(UPDATE_PERSON, { input: { dossierId: s.dossier.id, id: s.subject.id, version: s.subject.version, firstName: 'Noor', bsn: '000000000' } }, s.token);
      expect(codes(res)).toEqual(['BAD_USER_INPUT']);
      const [row] = await app.db.ds.query('SELECT first_name, bsn, version FROM person WHERE id = $1', [s.subject.id]);
      expect(row).toEqual({ first_name: s.subject.firstName, bsn: s.subject.bsn, version: s.subject.version });
      expect(writesOf(await eventsOf(app.db.ds, res))).toEqual([]);
    });

    it('should leave neither an entry nor a CREATE event when addEntry is BAD_USER_INPUT (date in the future)', async () => {
      const s = await setup();
      const tomorrow = new Date(Date.now() + 2 * 86400_000).toISOString().slice(0, 10);
      const res = await app.gql(ADD_ENTRY, { input: { ...entryInput(s.dossier.id), occurredOn: tomorrow } }, s.token);
      expect(codes(res)).toEqual(['BAD_USER_INPUT']);
      expect(await rowCount(app.db.ds, 'entry', 'dossier_id = $1', [s.dossier.id])).toBe(0);
      expect(writesOf(await eventsOf(app.db.ds, res))).toEqual([]);
    });

    it('should leave neither the change nor a write event when updateDossier is refused by the service (admin support: closedOn before openedOn)', async () => {
      const s = await setup();
      const res = await app.gql(UPDATE_DOSSIER, { input: { id: s.dossier.id, version: s.dossier.version, status: 'CLOSED', closedOn: addMonths(s.dossier.openedOn, -1) } }, s.adminToken);
      expect(codes(res)).toEqual(['BAD_USER_INPUT']);
      const [row] = await app.db.ds.query('SELECT version, status FROM dossier WHERE id = $1', [s.dossier.id]);
      expect(row).toEqual({ version: s.dossier.version, status: 'OPEN' });
      expect(writesOf(await eventsOf(app.db.ds, res))).toEqual([]);
    });

    it('should still log the next, successful write of the same kind in the same dossier', async () => {
      const s = await setup();
      const failed = await app.gql(UPDATE_DOSSIER, { input: { id: s.dossier.id, version: s.dossier.version + 3, verwijsindexSignalOn: dutchToday() } }, s.token);
      expect(codes(failed)).toEqual(['CONFLICT']);
      const ok = await app.gql(UPDATE_DOSSIER, { input: { id: s.dossier.id, version: s.dossier.version, verwijsindexSignalOn: dutchToday() } }, s.token);
      expect(ok.errors).toBeUndefined();
      const writes = writesOf(await eventsOf(app.db.ds, ok));
      expect(writes).toHaveLength(1);
      expect(writes[0]).toMatchObject({ action: 'UPDATE', outcome: 'GRANTED', granted_fields: ['Dossier.verwijsindexSignalOn'] });
      expect(await writtenBy('access_log_batch', writes[0].id)).toBe(await writtenBy('dossier', s.dossier.id));
    });
  });

  describe('a refused write', () => {
    it('should log a behavioural expert’s addEntry as DENIED with the paths it tried to write, and write nothing', async () => {
      const s = await setup();
      const input = entryInput(s.dossier.id);
      const res = await app.gql(ADD_ENTRY, { input }, s.expertToken);
      expect(codes(res)).toEqual(['FORBIDDEN']);
      expect(await rowCount(app.db.ds, 'entry', 'dossier_id = $1', [s.dossier.id])).toBe(0);
      const events = await eventsOf(app.db.ds, res);
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({
        actor_sub: s.expert.subject, actor_role: 'behavioural_expert', relationship: 'behavioural_expert', action: 'CREATE',
        dossier_id: s.dossier.id, subject_person_id: s.subject.id, outcome: 'DENIED', check_authorisation: false, check_care_relationship: true,
        purpose: 'TREAT', granted_fields: [], pseudonymised_fields: [], operation_name: 'AddEntry',
      });
      expect(sorted(events[0].denied_fields)).toEqual(['Entry.hiddenFrom', 'Entry.kind', 'Entry.occurredOn', 'Entry.text']);
      expect(JSON.stringify(events[0])).not.toContain(input.text);
    });

    it('should log a parent’s attempt to change the child’s BSN as a DENIED UPDATE and change nothing', async () => {
      const s = await setup();
      const bsn = randomBsn();
      const res = await app.gql(UPDATE_PERSON, { input: { dossierId: s.dossier.id, id: s.subject.id, version: s.subject.version, bsn } }, s.parentToken);
      expect(codes(res)).toEqual(['FORBIDDEN']);
      const [row] = await app.db.ds.query('SELECT bsn, version FROM person WHERE id = $1', [s.subject.id]);
      expect(row).toEqual({ bsn: s.subject.bsn, version: s.subject.version });
      const events = await eventsOf(app.db.ds, res);
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ actor_role: 'client', relationship: 'parent', action: 'UPDATE', outcome: 'DENIED', granted_fields: [], denied_fields: ['Person.bsn'] });
      expect(JSON.stringify(events[0])).not.toContain(bsn);
    });
  });
});
