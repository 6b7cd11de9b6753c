import { randomUUID } from 'node:crypto';
import { AssignmentRole, Category, FamilyRelation, StaffRole } from '../../src/entities/enums';
import { dutchToday } from '../../src/util/dates';
import { aDossier, anOrganisation, aPerson, aProfessional } from '../support/builders';
import { anAuditorGrant, codeAt, codes, nodes, rowCount } from '../support/scenario-builders';
import { startTestApp, TestApp } from '../support/test-app';

const READ = `query($id: ID!) { dossier(id: $id) { id subject { firstName } entries { edges { node { text } } } } }`;
const DOSSIERS = 'query { dossiers(first: 100) { edges { node { id } } } }';
const CARE_TEAM = `query($id: ID!) { dossier(id: $id) { careTeam { edges { node { id role validUntil professional { id } } } } } }`;
const MY_ACCESS = `query($id: ID!) { dossier(id: $id) { myAccess { relationships read write emergency expiresAt reaches { category read write } } } }`;
const ADD_ENTRY = 'mutation($input: AddEntryInput!) { addEntry(input: $input) { id text } }';
const ADD_ENTITLEMENT = 'mutation($input: AddEntitlementInput!) { addEntitlement(input: $input) { id decisionNumber } }';
const ASSIGN = 'mutation($input: AssignCareTeamMemberInput!) { assignCareTeamMember(input: $input) { id role } }';
const END_ASSIGNMENT = 'mutation($input: EndCareTeamAssignmentInput!) { endCareTeamAssignment(input: $input) { id validUntil } }';
const UPDATE_DOSSIER = 'mutation($input: UpdateDossierInput!) { updateDossier(input: $input) { id status version } }';
const UPDATE_PERSON = 'mutation($input: UpdatePersonInput!) { updatePerson(input: $input) { id firstName } }';
const ADD_FAMILY = 'mutation($input: AddFamilyMemberInput!) { addFamilyMember(input: $input) { id } }';
const UPDATE_FAMILY = 'mutation($input: UpdateFamilyMemberInput!) { updateFamilyMember(input: $input) { id } }';
const ADD_GOAL = 'mutation($input: AddSupportPlanGoalInput!) { addSupportPlanGoal(input: $input) { id } }';
const ADD_NOTE = 'mutation($input: AddWorkNoteInput!) { addWorkNote(input: $input) { id } }';
const START_EMERGENCY = 'mutation($input: StartEmergencyAccessInput!) { startEmergencyAccess(input: $input) { id } }';
const CREATE_GRANT = 'mutation($input: CreateAuditorGrantInput!) { createAuditorGrant(input: $input) { id } }';
const CREATE_DOSSIER = 'mutation($input: CreateDossierInput!) { createDossier(input: $input) { id } }';

const entryInput = (dossierId: string) => ({ dossierId, kind: 'CONTACT', occurredOn: dutchToday(), text: `Huisbezoek ${randomUUID()}` });
const entitlementInput = (dossierId: string) => ({ dossierId, municipality: 'Utrecht', decisionNumber: `B-${randomUUID().slice(0, 8)}`, product: 'Ambulante jeugdhulp', validFrom: dutchToday() });
const sorted = (xs: readonly string[] | null | undefined) => [...(xs ?? [])].sort();

describe('permission scenarios: staff relationships, writes and myAccess (SPEC §1, §4, §5)', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());

  const listed = async (token: string) => nodes<{ id: string }>((await app.gql(DOSSIERS, {}, token)).data?.dossiers).map((d) => d.id);

  /** One dossier with an assigned care worker, admin support and behavioural expert, and a custodial parent. */
  async function team() {
    const ds = app.db.ds;
    const org = await anOrganisation(ds);
    const worker = await aProfessional(ds, org);
    const admin = await aProfessional(ds, org);
    const expert = await aProfessional(ds, org);
    const parent = await aPerson().aged(39).build(ds, org);
    const built = await aDossier()
      .withSubject(aPerson().aged(9))
      .withParent(parent, { custody: true, relation: FamilyRelation.MOTHER })
      .withAssignment(worker, AssignmentRole.CARE_WORKER)
      .withAssignment(admin, AssignmentRole.ADMIN_SUPPORT)
      .withAssignment(expert, AssignmentRole.BEHAVIOURAL_EXPERT)
      .withEntries(2, worker.id)
      .withGoal('Rust in huis')
      .build(ds, org);
    return {
      org, worker, admin, expert, parent, ...built,
      workerToken: await app.staffToken(org, StaffRole.CARE_WORKER, worker),
      adminToken: await app.staffToken(org, StaffRole.ADMIN_SUPPORT, admin),
      expertToken: await app.staffToken(org, StaffRole.BEHAVIOURAL_EXPERT, expert),
    };
  }

  describe('care-team assignments open and close a dossier', () => {
    it('should let a care worker read until admin support ends the assignment, and give NOT_FOUND right after', async () => {
      const t = await team();
      const before = await app.gql(READ, { id: t.dossier.id }, t.workerToken);
      expect(before.errors).toBeUndefined();
      expect(before.data?.dossier.subject.firstName).toBe(t.subject.firstName);
      expect(nodes(before.data?.dossier.entries)).toHaveLength(2);
      expect(await listed(t.workerToken)).toEqual([t.dossier.id]);

      const teamView = await app.gql(CARE_TEAM, { id: t.dossier.id }, t.adminToken);
      expect(teamView.errors).toBeUndefined();
      const assignment = nodes<{ id: string; role: string; professional: { id: string } }>(teamView.data?.dossier.careTeam)
        .find((a) => a.professional.id === t.worker.id && a.role === 'CARE_WORKER')!;
      expect(assignment).toBeDefined();

      const ended = await app.gql(END_ASSIGNMENT, { input: { id: assignment.id } }, t.adminToken);
      expect(ended.errors).toBeUndefined();
      expect(ended.data?.endCareTeamAssignment.validUntil).not.toBeNull();

      const after = await app.gql(READ, { id: t.dossier.id }, t.workerToken);
      expect(codes(after)).toEqual(['NOT_FOUND']);
      expect(after.data?.dossier ?? null).toBeNull();
      expect(JSON.stringify(after.response.body)).not.toContain(t.subject.firstName);
      expect(await listed(t.workerToken)).toEqual([]);
      const entries = await rowCount(app.db.ds, 'entry', 'dossier_id = $1', [t.dossier.id]);
      const write = await app.gql(ADD_ENTRY, { input: entryInput(t.dossier.id) }, t.workerToken);
      expect(codes(write)).toEqual(['NOT_FOUND']);
      expect(await rowCount(app.db.ds, 'entry', 'dossier_id = $1', [t.dossier.id])).toBe(entries);
    });

    it('should not let a care worker end an assignment (care team is ENTITLEMENT, read-only for care workers)', async () => {
      const t = await team();
      const [row] = await app.db.ds.query('select id from care_team_assignment where dossier_id = $1 and professional_id = $2', [t.dossier.id, t.expert.id]);
      const res = await app.gql(END_ASSIGNMENT, { input: { id: row.id } }, t.workerToken);
      expect(codes(res)).toEqual(['FORBIDDEN']);
      const [after] = await app.db.ds.query('select valid_until from care_team_assignment where id = $1', [row.id]);
      expect(after.valid_until).toBeNull();
      expect((await app.gql(READ, { id: t.dossier.id }, t.expertToken)).errors).toBeUndefined();
    });

    it('should open nothing with an assignment that starts in the future', async () => {
      const ds = app.db.ds;
      const org = await anOrganisation(ds);
      const worker = await aProfessional(ds, org);
      const { dossier } = await aDossier().withAssignment(worker, AssignmentRole.CARE_WORKER, new Date(Date.now() + 86400_000)).build(ds, org);
      const token = await app.staffToken(org, StaffRole.CARE_WORKER, worker);
      expect(codes(await app.gql(READ, { id: dossier.id }, token))).toEqual(['NOT_FOUND']);
      expect(await listed(token)).toEqual([]);
    });

    it('should open nothing with an assignment that already ended', async () => {
      const ds = app.db.ds;
      const org = await anOrganisation(ds);
      const worker = await aProfessional(ds, org);
      const { dossier } = await aDossier().withAssignment(worker, AssignmentRole.CARE_WORKER, new Date(Date.now() - 7 * 86400_000), new Date(Date.now() - 60_000)).build(ds, org);
      expect(codes(await app.gql(READ, { id: dossier.id }, await app.staffToken(org, StaffRole.CARE_WORKER, worker)))).toEqual(['NOT_FOUND']);
    });

    it('should give a care_worker token NOT_FOUND on a dossier the professional is assigned to only as BEHAVIOURAL_EXPERT', async () => {
      const ds = app.db.ds;
      const org = await anOrganisation(ds);
      const pro = await aProfessional(ds, org);
      const { dossier } = await aDossier().withAssignment(pro, AssignmentRole.BEHAVIOURAL_EXPERT).build(ds, org);
      const asWorker = await app.staffToken(org, StaffRole.CARE_WORKER, pro);
      expect(codes(await app.gql(READ, { id: dossier.id }, asWorker))).toEqual(['NOT_FOUND']);
      expect(await listed(asWorker)).toEqual([]);
      // The same professional acting in the role of the assignment does read.
      const asExpert = await app.gql(READ, { id: dossier.id }, await app.staffToken(org, StaffRole.BEHAVIOURAL_EXPERT, pro));
      expect(asExpert.errors).toBeUndefined();
      expect(asExpert.data?.dossier.id).toBe(dossier.id);
    });
  });

  describe('writes follow the W cells', () => {
    it('should let admin support add an entitlement and assign a care-team member', async () => {
      const t = await team();
      const added = await app.gql(ADD_ENTITLEMENT, { input: entitlementInput(t.dossier.id) }, t.adminToken);
      expect(added.errors).toBeUndefined();
      expect(await rowCount(app.db.ds, 'entitlement', 'dossier_id = $1 and decision_number = $2', [t.dossier.id, added.data?.addEntitlement.decisionNumber])).toBe(1);

      const newcomer = await aProfessional(app.db.ds, t.org);
      const newcomerToken = await app.staffToken(t.org, StaffRole.CARE_WORKER, newcomer);
      expect(codes(await app.gql(READ, { id: t.dossier.id }, newcomerToken))).toEqual(['NOT_FOUND']);
      const assigned = await app.gql(ASSIGN, { input: { dossierId: t.dossier.id, professionalId: newcomer.id, role: 'CARE_WORKER' } }, t.adminToken);
      expect(assigned.errors).toBeUndefined();
      expect(assigned.data?.assignCareTeamMember.role).toBe('CARE_WORKER');
      const read = await app.gql(READ, { id: t.dossier.id }, newcomerToken);
      expect(read.errors).toBeUndefined();
      expect(read.data?.dossier.subject.firstName).toBe(t.subject.firstName);
    });

    it('should not let admin support assign itself (separation of duties, §5)', async () => {
      const t = await team();
      const before = await rowCount(app.db.ds, 'care_team_assignment', 'dossier_id = $1', [t.dossier.id]);
      const res = await app.gql(ASSIGN, { input: { dossierId: t.dossier.id, professionalId: t.admin.id, role: 'CARE_WORKER' } }, t.adminToken);
      expect(codes(res)).toEqual(['FORBIDDEN']);
      expect(await rowCount(app.db.ds, 'care_team_assignment', 'dossier_id = $1', [t.dossier.id])).toBe(before);
    });

    it('should forbid admin support to add an entry (no CARE) and write nothing', async () => {
      const t = await team();
      const before = await rowCount(app.db.ds, 'entry', 'dossier_id = $1', [t.dossier.id]);
      const res = await app.gql(ADD_ENTRY, { input: entryInput(t.dossier.id) }, t.adminToken);
      expect(codes(res)).toEqual(['FORBIDDEN']);
      expect(res.data?.addEntry ?? null).toBeNull();
      expect(await rowCount(app.db.ds, 'entry', 'dossier_id = $1', [t.dossier.id])).toBe(before);
      // The other side: the care worker may.
      const ok = await app.gql(ADD_ENTRY, { input: entryInput(t.dossier.id) }, t.workerToken);
      expect(ok.errors).toBeUndefined();
      expect(await rowCount(app.db.ds, 'entry', 'dossier_id = $1', [t.dossier.id])).toBe(before + 1);
    });

    it('should forbid a care worker to add an entitlement (ENTITLEMENT is read-only for care workers)', async () => {
      const t = await team();
      const res = await app.gql(ADD_ENTITLEMENT, { input: entitlementInput(t.dossier.id) }, t.workerToken);
      expect(codes(res)).toEqual(['FORBIDDEN']);
      expect(await rowCount(app.db.ds, 'entitlement', 'dossier_id = $1', [t.dossier.id])).toBe(0);
    });

    it('should forbid a behavioural expert to add an entry or update a person, and change nothing', async () => {
      const t = await team();
      const entries = await rowCount(app.db.ds, 'entry', 'dossier_id = $1', [t.dossier.id]);
      const entry = await app.gql(ADD_ENTRY, { input: entryInput(t.dossier.id) }, t.expertToken);
      expect(codes(entry)).toEqual(['FORBIDDEN']);
      expect(await rowCount(app.db.ds, 'entry', 'dossier_id = $1', [t.dossier.id])).toBe(entries);

      const person = await app.gql(UPDATE_PERSON, { input: { id: t.subject.id, dossierId: t.dossier.id, version: t.subject.version, firstName: 'Gewijzigd' } }, t.expertToken);
      expect(codes(person)).toEqual(['FORBIDDEN']);
      const [row] = await app.db.ds.query('select first_name, version from person where id = $1', [t.subject.id]);
      expect(row).toEqual({ first_name: t.subject.firstName, version: t.subject.version });
      // …while the behavioural expert does read the dossier.
      expect((await app.gql(READ, { id: t.dossier.id }, t.expertToken)).errors).toBeUndefined();
    });

    it('should forbid admin support to set the verwijsindex signal (CARE) and change nothing, but let it change the status', async () => {
      const t = await team();
      const signal = await app.gql(UPDATE_DOSSIER, { input: { id: t.dossier.id, version: t.dossier.version, verwijsindexSignalOn: dutchToday() } }, t.adminToken);
      expect(codes(signal)).toEqual(['FORBIDDEN']);
      expect(signal.data?.updateDossier ?? null).toBeNull();
      // Mixed with an allowed field the whole write is refused.
      const mixed = await app.gql(UPDATE_DOSSIER, { input: { id: t.dossier.id, version: t.dossier.version, status: 'CLOSED', verwijsindexSignalOn: dutchToday() } }, t.adminToken);
      expect(codes(mixed)).toEqual(['FORBIDDEN']);
      let [row] = await app.db.ds.query('select status, verwijsindex_signal_on, version from dossier where id = $1', [t.dossier.id]);
      expect(row).toEqual({ status: 'OPEN', verwijsindex_signal_on: null, version: t.dossier.version });

      const status = await app.gql(UPDATE_DOSSIER, { input: { id: t.dossier.id, version: t.dossier.version, status: 'CLOSED' } }, t.adminToken);
      expect(status.errors).toBeUndefined();
      expect(status.data?.updateDossier).toMatchObject({ id: t.dossier.id, status: 'CLOSED', version: t.dossier.version + 1 });
      [row] = await app.db.ds.query('select status, verwijsindex_signal_on from dossier where id = $1', [t.dossier.id]);
      expect(row).toEqual({ status: 'CLOSED', verwijsindex_signal_on: null });
    });

    it('should answer every mutation of a client (a parent with custody) with FORBIDDEN or NOT_FOUND and write nothing', async () => {
      const t = await team();
      const token = await app.clientToken(t.parent);
      // The parent does read the dossier: the refusals below are about writing.
      expect((await app.gql(READ, { id: t.dossier.id }, token)).errors).toBeUndefined();
      const ds = app.db.ds;
      const [assignment] = await ds.query('select id from care_team_assignment where dossier_id = $1 and professional_id = $2', [t.dossier.id, t.worker.id]);
      const snapshot = async () => ({
        entry: await rowCount(ds, 'entry'), entitlement: await rowCount(ds, 'entitlement'), family: await rowCount(ds, 'family_member'),
        person: await rowCount(ds, 'person'), dossier: await rowCount(ds, 'dossier'), goal: await rowCount(ds, 'support_plan_goal'),
        note: await rowCount(ds, 'work_note'), assignment: await rowCount(ds, 'care_team_assignment'), emergency: await rowCount(ds, 'emergency_access'),
        grant: await rowCount(ds, 'auditor_grant'),
        dossierRow: (await ds.query('select status, version, verwijsindex_signal_on, last_changed_at from dossier where id = $1', [t.dossier.id]))[0],
        parentRow: (await ds.query('select phone, version from person where id = $1', [t.parent.id]))[0],
        custody: (await ds.query('select has_custody from family_member where dossier_id = $1', [t.dossier.id])),
        assignmentRow: (await ds.query('select valid_until from care_team_assignment where id = $1', [assignment.id]))[0],
      });
      const before = await snapshot();
      const member = t.relatives[0].member;
      const calls: [string, Record<string, unknown>][] = [
        [ADD_ENTRY, { input: entryInput(t.dossier.id) }],
        [ADD_ENTITLEMENT, { input: entitlementInput(t.dossier.id) }],
        [ADD_GOAL, { input: { dossierId: t.dossier.id, text: 'Eigen doel' } }],
        [ADD_NOTE, { input: { dossierId: t.dossier.id, text: 'Eigen notitie' } }],
        [UPDATE_DOSSIER, { input: { id: t.dossier.id, version: t.dossier.version, status: 'CLOSED' } }],
        [UPDATE_DOSSIER, { input: { id: t.dossier.id, version: t.dossier.version } }],
        // Even the parent's own phone: CONTACT is read-only for clients.
        [UPDATE_PERSON, { input: { id: t.parent.id, dossierId: t.dossier.id, version: t.parent.version, phone: '06-99999999' } }],
        [ADD_FAMILY, { input: { dossierId: t.dossier.id, relation: 'FATHER', hasCustody: true, informedOfRegistration: true, person: { firstName: 'Nieuwe', lastName: 'Vader', dateOfBirth: '1980-01-01' } } }],
        [UPDATE_FAMILY, { input: { id: member.id, hasCustody: false } }],
        [ASSIGN, { input: { dossierId: t.dossier.id, professionalId: t.worker.id, role: 'ADMIN_SUPPORT' } }],
        [END_ASSIGNMENT, { input: { id: assignment.id } }],
        [START_EMERGENCY, { input: { dossierId: t.dossier.id, reason: 'Ik wil alles zien wat er over mij staat' } }],
        [CREATE_GRANT, { input: { auditorSubject: 'x', purpose: 'Eigen audit', dossierIds: [t.dossier.id], categories: ['CARE'], validFrom: new Date().toISOString(), validUntil: new Date(Date.now() + 86400_000).toISOString() } }],
        [CREATE_DOSSIER, { input: { type: 'YOUTH_CARE', openedOn: dutchToday(), subject: { firstName: 'A', lastName: 'B', dateOfBirth: '2015-01-01' } } }],
      ];
      for (const [query, variables] of calls) {
        const res = await app.gql(query, variables, token);
        const name = /\{ (\w+)\(/.exec(query)![1];
        expect({ name, code: codes(res)?.[0] }).toEqual({ name, code: expect.stringMatching(/^(FORBIDDEN|NOT_FOUND)$/) });
        expect({ name, data: res.data?.[name] ?? null }).toEqual({ name, data: null });
      }
      expect(await snapshot()).toEqual(before);
    });

    it('should answer a staff member of another organisation with NOT_FOUND and write nothing', async () => {
      const t = await team();
      const other = await anOrganisation(app.db.ds);
      const foreignAdmin = await aProfessional(app.db.ds, other);
      const token = await app.staffToken(other, StaffRole.ADMIN_SUPPORT, foreignAdmin);
      const before = { entitlement: await rowCount(app.db.ds, 'entitlement'), version: t.dossier.version };
      const res = await app.gql(ADD_ENTITLEMENT, { input: entitlementInput(t.dossier.id) }, token);
      expect(codes(res)).toEqual(['NOT_FOUND']);
      const status = await app.gql(UPDATE_DOSSIER, { input: { id: t.dossier.id, version: t.dossier.version, status: 'CLOSED' } }, token);
      expect(codes(status)).toEqual(['NOT_FOUND']);
      const worker = await app.gql(READ, { id: t.dossier.id }, await app.staffToken(other, StaffRole.CARE_WORKER, await aProfessional(app.db.ds, other)));
      expect(codes(worker)).toEqual(['NOT_FOUND']);
      const [row] = await app.db.ds.query('select status, version from dossier where id = $1', [t.dossier.id]);
      expect({ entitlement: await rowCount(app.db.ds, 'entitlement'), version: row.version }).toEqual(before);
      expect(row.status).toBe('OPEN');
    });
  });

  describe('myAccess tells the viewer what the policy gives them', () => {
    const { IDENTITY, CONTACT, IDENTIFIERS, FAMILY, CARE, WORK_NOTES, ENTITLEMENT, CONSENT, RIGHTS, ACCESS_LOG } = Category;

    it('should list a care worker’s read and write categories per §4', async () => {
      const t = await team();
      const res = await app.gql(MY_ACCESS, { id: t.dossier.id }, t.workerToken);
      expect(res.errors).toBeUndefined();
      const a = res.data?.dossier.myAccess;
      expect(a.relationships).toEqual(['care_worker']);
      expect(a.emergency).toBe(false);
      expect(a.expiresAt).toBeNull();
      expect(sorted(a.read)).toEqual(sorted([IDENTITY, CONTACT, IDENTIFIERS, FAMILY, CARE, WORK_NOTES, ENTITLEMENT, CONSENT, RIGHTS]));
      expect(sorted(a.write)).toEqual(sorted([IDENTITY, CONTACT, IDENTIFIERS, FAMILY, CARE, WORK_NOTES, CONSENT]));
      expect(a.read).not.toContain(ACCESS_LOG);
      expect(a.write).not.toContain(ENTITLEMENT);
    });

    it('should list admin support’s and the behavioural expert’s categories per §4', async () => {
      const t = await team();
      const admin = (await app.gql(MY_ACCESS, { id: t.dossier.id }, t.adminToken)).data?.dossier.myAccess;
      expect(admin.relationships).toEqual(['admin_support']);
      expect(sorted(admin.read)).toEqual(sorted([IDENTITY, CONTACT, IDENTIFIERS, FAMILY, ENTITLEMENT, CONSENT, RIGHTS]));
      expect(sorted(admin.write)).toEqual(sorted([IDENTITY, CONTACT, IDENTIFIERS, ENTITLEMENT]));
      const expert = (await app.gql(MY_ACCESS, { id: t.dossier.id }, t.expertToken)).data?.dossier.myAccess;
      expect(expert.relationships).toEqual(['behavioural_expert']);
      expect(sorted(expert.read)).toEqual(sorted([IDENTITY, FAMILY, CARE, CONSENT]));
      expect(expert.write).toEqual([]);
    });

    it('should show an assignment’s end as expiresAt', async () => {
      const ds = app.db.ds;
      const org = await anOrganisation(ds);
      const worker = await aProfessional(ds, org);
      const until = new Date(Date.now() + 3 * 86400_000);
      const { dossier } = await aDossier().withAssignment(worker, AssignmentRole.CARE_WORKER, undefined, until).build(ds, org);
      const a = (await app.gql(MY_ACCESS, { id: dossier.id }, await app.staffToken(org, StaffRole.CARE_WORKER, worker))).data?.dossier.myAccess;
      expect(new Date(a.expiresAt).getTime()).toBe(until.getTime());
    });

    it('should give a parent read categories per §4 and only CONSENT (give/withdraw) to write', async () => {
      const t = await team();
      const res = await app.gql(MY_ACCESS, { id: t.dossier.id }, await app.clientToken(t.parent));
      expect(res.errors).toBeUndefined();
      const a = res.data?.dossier.myAccess;
      expect(a.relationships).toEqual(['parent']);
      expect(a.emergency).toBe(false);
      expect(sorted(a.read)).toEqual(sorted([IDENTITY, CONTACT, IDENTIFIERS, FAMILY, CARE, ENTITLEMENT, CONSENT, RIGHTS, ACCESS_LOG]));
      expect(a.read).not.toContain(WORK_NOTES);
      // Giving and withdrawing consent (§4 note 3) and filing their own rights requests (§5, §8) are the parent's only writes.
      expect(a.write).toEqual([CONSENT, RIGHTS]);
      // How far, per category — generated from the same policy cells (§4 conditions).
      expect(a.reaches).toEqual(expect.arrayContaining([
        { category: CONTACT, read: 'ownAndMinors', write: null },
        { category: IDENTIFIERS, read: 'subjectBsn', write: null },
        { category: CARE, read: 'notHidden', write: null },
        { category: CONSENT, read: 'all', write: 'sign' },
        { category: RIGHTS, read: 'ownRequests', write: 'file' },
      ]));
      expect(a.reaches.map((r: { category: string }) => r.category)).not.toContain(WORK_NOTES);
    });

    it('should give an auditor only the granted categories plus IDENTITY (pseudonymised), no writes, and the grant’s end', async () => {
      const t = await team();
      const officer = await aProfessional(app.db.ds, t.org);
      const auditorSub = `auditor-${randomUUID()}`;
      const grant = await anAuditorGrant(app.db.ds, t.org, officer, { auditorSubject: auditorSub, dossierIds: [t.dossier.id], categories: [CARE] });
      const token = await app.staffToken(t.org, StaffRole.AUDITOR, auditorSub);
      const res = await app.gql(MY_ACCESS, { id: t.dossier.id }, token);
      expect(res.errors).toBeUndefined();
      const a = res.data?.dossier.myAccess;
      expect(a.relationships).toEqual(['auditor']);
      expect(sorted(a.read)).toEqual(sorted([IDENTITY, CARE]));
      expect(a.write).toEqual([]);
      expect(new Date(a.expiresAt).getTime()).toBe(grant.validUntil.getTime());

      const wider = await anAuditorGrant(app.db.ds, t.org, officer, { auditorSubject: `auditor-${randomUUID()}`, dossierIds: [t.dossier.id], categories: [FAMILY, ENTITLEMENT] });
      const w = (await app.gql(MY_ACCESS, { id: t.dossier.id }, await app.staffToken(t.org, StaffRole.AUDITOR, wider.auditorSubject))).data?.dossier.myAccess;
      expect(sorted(w.read)).toEqual(sorted([IDENTITY, FAMILY, ENTITLEMENT]));
      expect(w.read).not.toContain(CARE);
    });

    it('should not answer myAccess at all for a dossier without a relationship', async () => {
      const t = await team();
      const stranger = await app.staffToken(t.org, StaffRole.CARE_WORKER, await aProfessional(app.db.ds, t.org));
      const res = await app.gql(MY_ACCESS, { id: t.dossier.id }, stranger);
      expect(codes(res)).toEqual(['NOT_FOUND']);
      expect(codeAt(res, ['dossier'])).toBe('NOT_FOUND');
      expect(res.data?.dossier ?? null).toBeNull();
    });
  });
});
