import { AssignmentRole, FamilyRelation, StaffRole } from '../../src/entities/enums';
import { addMonths, dutchToday } from '../../src/util/dates';
import { aDossier, anOrganisation, aPerson, aProfessional, randomBsn } from '../support/builders';
import { GqlResult, startTestApp, TestApp } from '../support/test-app';

/** Fails the test with the GraphQL errors when a request did not succeed. */
function ok<T>(res: GqlResult<T>): T {
  expect(res.errors).toBeUndefined();
  expect(res.status).toBe(200);
  return res.data as T;
}

const PERSON_FIELDS = `id version firstName lastName dateOfBirth gender nationality street postalCode city phone email addressConfidential bsn idDocumentType idDocumentNumber`;

const ids = (conn: { edges: { node: { id: string } }[] }) => conn.edges.map((e) => e.node.id);

describe('GraphQL round trips', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());

  /** An organisation with one care worker and their token. */
  async function setup() {
    const org = await anOrganisation(app.db.ds);
    const worker = await aProfessional(app.db.ds, org);
    const token = await app.staffToken(org, StaffRole.CARE_WORKER, worker);
    return { org, worker, token };
  }

  describe('createDossier', () => {
    it('should store every subject and dossier field and return them equal on read, with the creator on the care team', async () => {
      const { worker, token } = await setup();
      const subject = {
        firstName: 'Sanne', lastName: 'de Vries', dateOfBirth: addMonths(dutchToday(), -(13 * 12 + 4)), gender: 'FEMALE', nationality: 'NL',
        street: 'Oudegracht 12', postalCode: '3511 AB', city: 'Utrecht', phone: '06-12345678', email: 'sanne@example.org',
        addressConfidential: true, bsn: randomBsn(), idDocumentType: 'ID_CARD', idDocumentNumber: 'IX12345678',
      };
      const openedOn = addMonths(dutchToday(), -1);
      const created = ok(await app.gql(
        `mutation($input: CreateDossierInput!) { createDossier(input: $input) { id version status type openedOn closedOn legalHold verwijsindexSignalOn subject { ${PERSON_FIELDS} } } }`,
        { input: { type: 'YOUTH_PROTECTION', openedOn, subject } },
        token,
      )).createDossier;
      expect(created).toMatchObject({ status: 'OPEN', type: 'YOUTH_PROTECTION', openedOn, closedOn: null, legalHold: false, verwijsindexSignalOn: null, subject });

      const read = ok(await app.gql(
        `query($id: ID!) { dossier(id: $id) { id version status type openedOn closedOn legalHold verwijsindexSignalOn subject { ${PERSON_FIELDS} }
           careTeam { edges { node { id role validUntil professional { id displayName } } } } } }`,
        { id: created.id },
        token,
      )).dossier;
      expect(read).toEqual({
        id: created.id, version: created.version, status: 'OPEN', type: 'YOUTH_PROTECTION', openedOn, closedOn: null, legalHold: false, verwijsindexSignalOn: null,
        subject: { ...subject, id: created.subject.id, version: created.subject.version },
        careTeam: { edges: [{ node: { id: expect.any(String), role: 'CARE_WORKER', validUntil: null, professional: { id: worker.id, displayName: worker.displayName } } }] },
      });
      const [row] = await app.db.ds.query('select bsn, id_document_number from person where id = $1', [created.subject.id]);
      expect(row).toEqual({ bsn: subject.bsn, id_document_number: subject.idDocumentNumber });
    });
  });

  describe('updateDossier', () => {
    it('should change status, closedOn, type and verwijsindexSignalOn, and setLegalHold the hold, each update incrementing the version', async () => {
      const { worker, org, token } = await setup();
      const admin = await aProfessional(app.db.ds, org);
      const privacyOfficer = await aProfessional(app.db.ds, org);
      const { dossier } = await aDossier().withAssignment(worker).withAssignment(admin, AssignmentRole.ADMIN_SUPPORT).build(app.db.ds, org);
      // Each role selects only fields it may read (SPEC §4), so the answer itself is checked too.
      const UPDATE = (fields: string) => `mutation($input: UpdateDossierInput!) { updateDossier(input: $input) { id version ${fields} } }`;
      const closedOn = dutchToday();
      const signalOn = addMonths(dutchToday(), -2);

      // Each field written by a role that SPEC §4 lets write its category.
      const byAdmin = ok(await app.gql(
        UPDATE('status closedOn type'),
        { input: { id: dossier.id, version: dossier.version, status: 'CLOSED', closedOn, type: 'YOUTH_PROTECTION' } },
        await app.staffToken(org, StaffRole.ADMIN_SUPPORT, admin),
      )).updateDossier;
      expect(byAdmin).toEqual({ id: dossier.id, version: dossier.version + 1, status: 'CLOSED', closedOn, type: 'YOUTH_PROTECTION' });

      const byWorker = ok(await app.gql(UPDATE('verwijsindexSignalOn'), { input: { id: dossier.id, version: dossier.version + 1, verwijsindexSignalOn: signalOn } }, token)).updateDossier;
      expect(byWorker).toEqual({ id: dossier.id, version: dossier.version + 2, verwijsindexSignalOn: signalOn });

      // Legal hold has its own mutation, with a reason (SPEC §11); updateDossier does not take it.
      const byPrivacyOfficer = ok(await app.gql(
        'mutation($input: SetLegalHoldInput!) { setLegalHold(input: $input) { id version legalHold } }',
        { input: { dossierId: dossier.id, legalHold: true, legalHoldReason: 'Lopende klachtprocedure' } },
        await app.staffToken(org, StaffRole.PRIVACY_OFFICER, privacyOfficer),
      )).setLegalHold;
      expect(byPrivacyOfficer).toEqual({ id: dossier.id, version: dossier.version + 3, legalHold: true });

      const read = ok(await app.gql('query($id: ID!) { dossier(id: $id) { id version status closedOn verwijsindexSignalOn legalHold type openedOn } }', { id: dossier.id }, token)).dossier;
      expect(read).toEqual({
        id: dossier.id, version: dossier.version + 3, status: 'CLOSED', closedOn, verwijsindexSignalOn: signalOn, legalHold: true, type: 'YOUTH_PROTECTION', openedOn: dossier.openedOn,
      });
      const [row] = await app.db.ds.query('select status, closed_on, verwijsindex_signal_on, legal_hold, type, version from dossier where id = $1', [dossier.id]);
      expect(row).toEqual({ status: 'CLOSED', closed_on: closedOn, verwijsindex_signal_on: signalOn, legal_hold: true, type: 'YOUTH_PROTECTION', version: dossier.version + 3 });
    });

    it('should clear a nullable date when null is sent and leave the other fields alone', async () => {
      const { worker, org, token } = await setup();
      const { dossier } = await aDossier().with({ verwijsindexSignalOn: addMonths(dutchToday(), -1) }).withAssignment(worker).build(app.db.ds, org);
      const updated = ok(await app.gql(
        'mutation($input: UpdateDossierInput!) { updateDossier(input: $input) { version verwijsindexSignalOn legalHold status type } }',
        { input: { id: dossier.id, version: dossier.version, verwijsindexSignalOn: null } },
        token,
      )).updateDossier;
      expect(updated).toEqual({ version: dossier.version + 1, verwijsindexSignalOn: null, legalHold: false, status: 'OPEN', type: 'YOUTH_CARE' });
    });
  });

  describe('updatePerson', () => {
    it('should update the subject and a family member through the dossier, each with its version incremented', async () => {
      const { worker, org, token } = await setup();
      const { dossier, subject, relatives } = await aDossier().withParent(aPerson().named('Piet', 'Jansen')).withAssignment(worker).build(app.db.ds, org);
      const parent = relatives[0].person;
      const newBsn = randomBsn();
      const subjectChanges = { firstName: 'Noor', street: 'Nieuwe Weg 1', postalCode: '1000AA', bsn: newBsn, idDocumentType: 'PASSPORT', idDocumentNumber: 'NX1234567', gender: 'NON_BINARY' };
      const s = ok(await app.gql(
        `mutation($input: UpdatePersonInput!) { updatePerson(input: $input) { ${PERSON_FIELDS} } }`,
        { input: { id: subject.id, dossierId: dossier.id, version: subject.version, ...subjectChanges } },
        token,
      )).updatePerson;
      expect(s).toMatchObject({ ...subjectChanges, id: subject.id, version: subject.version + 1, lastName: subject.lastName, city: subject.city });

      const p = ok(await app.gql(
        `mutation($input: UpdatePersonInput!) { updatePerson(input: $input) { ${PERSON_FIELDS} } }`,
        { input: { id: parent.id, dossierId: dossier.id, version: parent.version, lastName: 'Jansen-Bakker', phone: '+31 6 1234 5678', email: null } },
        token,
      )).updatePerson;
      expect(p).toMatchObject({ id: parent.id, version: parent.version + 1, firstName: 'Piet', lastName: 'Jansen-Bakker', phone: '+31 6 1234 5678', email: null });

      const read = ok(await app.gql(
        `query($id: ID!) { dossier(id: $id) { subject { ${PERSON_FIELDS} } family { edges { node { person { ${PERSON_FIELDS} } } } } } }`,
        { id: dossier.id },
        token,
      )).dossier;
      expect(read.subject).toEqual(s);
      expect(read.family.edges.map((e: { node: { person: unknown } }) => e.node.person)).toEqual([p]);
    });

    it('should refuse to edit a person who is not in the given dossier (NOT_FOUND) and leave them unchanged', async () => {
      const { worker, org, token } = await setup();
      const { dossier } = await aDossier().withAssignment(worker).build(app.db.ds, org);
      const stranger = await aPerson().build(app.db.ds, org);
      const res = await app.gql(
        'mutation($input: UpdatePersonInput!) { updatePerson(input: $input) { id } }',
        { input: { id: stranger.id, dossierId: dossier.id, version: stranger.version, firstName: 'Hacked' } },
        token,
      );
      expect(res.errors?.[0].extensions.code).toBe('NOT_FOUND');
      const [row] = await app.db.ds.query('select first_name, version from person where id = $1', [stranger.id]);
      expect(row).toEqual({ first_name: stranger.firstName, version: stranger.version });
    });
  });

  describe('family members', () => {
    const FAMILY = 'family { edges { node { id relation hasCustody informedOfRegistration person { id firstName lastName bsn } } } }';

    it('should add a new person as a family member and read them back', async () => {
      const { worker, org, token } = await setup();
      const { dossier } = await aDossier().withAssignment(worker).build(app.db.ds, org);
      const person = { firstName: 'Karin', lastName: 'Visser', dateOfBirth: '1985-03-14', bsn: randomBsn(), postalCode: '3512 JE', city: 'Utrecht' };
      const added = ok(await app.gql(
        'mutation($input: AddFamilyMemberInput!) { addFamilyMember(input: $input) { id relation hasCustody informedOfRegistration person { id firstName lastName dateOfBirth bsn postalCode city } } }',
        { input: { dossierId: dossier.id, relation: 'MOTHER', hasCustody: true, informedOfRegistration: true, person } },
        token,
      )).addFamilyMember;
      expect(added).toMatchObject({ relation: 'MOTHER', hasCustody: true, informedOfRegistration: true, person });

      const read = ok(await app.gql(`query($id: ID!) { dossier(id: $id) { ${FAMILY} } }`, { id: dossier.id }, token)).dossier;
      expect(read.family.edges).toEqual([
        { node: { id: added.id, relation: 'MOTHER', hasCustody: true, informedOfRegistration: true, person: { id: added.person.id, firstName: 'Karin', lastName: 'Visser', bsn: person.bsn } } },
      ]);
    });

    it('should add an existing person by personId (a parent already in a sibling’s dossier) without creating a new person', async () => {
      const { worker, org, token } = await setup();
      const { relatives } = await aDossier().withParent(aPerson().named('Mark', 'de Boer')).withAssignment(worker).build(app.db.ds, org);
      const parent = relatives[0].person;
      const { dossier } = await aDossier().withAssignment(worker).build(app.db.ds, org);
      const [{ n: before }] = await app.db.ds.query('select count(*)::int as n from person');
      const added = ok(await app.gql(
        'mutation($input: AddFamilyMemberInput!) { addFamilyMember(input: $input) { id relation hasCustody person { id firstName lastName } } }',
        { input: { dossierId: dossier.id, relation: 'FATHER', hasCustody: false, informedOfRegistration: true, personId: parent.id } },
        token,
      )).addFamilyMember;
      expect(added).toMatchObject({ relation: 'FATHER', hasCustody: false, person: { id: parent.id, firstName: 'Mark', lastName: 'de Boer' } });
      const [{ n: after }] = await app.db.ds.query('select count(*)::int as n from person');
      expect(after).toBe(before);

      const read = ok(await app.gql(`query($id: ID!) { dossier(id: $id) { ${FAMILY} } }`, { id: dossier.id }, token)).dossier;
      expect(read.family.edges.map((e: { node: { person: { id: string } } }) => e.node.person.id)).toEqual([parent.id]);
    });

    it('should update relation and custody of a family member', async () => {
      const { worker, org, token } = await setup();
      const { dossier, relatives } = await aDossier().withParent(aPerson(), { custody: true }).withAssignment(worker).build(app.db.ds, org);
      const member = relatives[0].member;
      const updated = ok(await app.gql(
        'mutation($input: UpdateFamilyMemberInput!) { updateFamilyMember(input: $input) { id relation hasCustody informedOfRegistration } }',
        { input: { id: member.id, relation: 'GUARDIAN', hasCustody: false } },
        token,
      )).updateFamilyMember;
      expect(updated).toEqual({ id: member.id, relation: 'GUARDIAN', hasCustody: false, informedOfRegistration: true });
      const read = ok(await app.gql(`query($id: ID!) { dossier(id: $id) { ${FAMILY} } }`, { id: dossier.id }, token)).dossier;
      expect(read.family.edges[0].node).toMatchObject({ id: member.id, relation: 'GUARDIAN', hasCustody: false });
    });

    it('should remove a family member so that it is gone afterwards, keeping the others', async () => {
      const { worker, org, token } = await setup();
      const { dossier, relatives } = await aDossier().withParent().withRelative(aPerson().aged(8), FamilyRelation.SIBLING).withAssignment(worker).build(app.db.ds, org);
      const [gone, kept] = relatives.map((r) => r.member);
      const res = ok(await app.gql('mutation($id: ID!) { removeFamilyMember(id: $id) }', { id: gone.id }, token));
      expect(res.removeFamilyMember).toBe(gone.id);
      const read = ok(await app.gql(`query($id: ID!) { dossier(id: $id) { ${FAMILY} } }`, { id: dossier.id }, token)).dossier;
      expect(read.family.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual([kept.id]);
      const [{ n }] = await app.db.ds.query('select count(*)::int as n from family_member where id = $1', [gone.id]);
      expect(n).toBe(0);
    });
  });

  describe('care team', () => {
    it('should let admin support assign a professional and end the assignment, with validUntil set', async () => {
      const { worker, org, token } = await setup();
      const admin = await aProfessional(app.db.ds, org);
      const colleague = await aProfessional(app.db.ds, org);
      const { dossier } = await aDossier().withAssignment(worker).withAssignment(admin, AssignmentRole.ADMIN_SUPPORT).build(app.db.ds, org);
      const adminToken = await app.staffToken(org, StaffRole.ADMIN_SUPPORT, admin);

      const assigned = ok(await app.gql(
        'mutation($input: AssignCareTeamMemberInput!) { assignCareTeamMember(input: $input) { id role validFrom validUntil professional { id displayName } } }',
        { input: { dossierId: dossier.id, professionalId: colleague.id, role: 'BEHAVIOURAL_EXPERT' } },
        adminToken,
      )).assignCareTeamMember;
      expect(assigned).toMatchObject({ role: 'BEHAVIOURAL_EXPERT', validUntil: null, professional: { id: colleague.id, displayName: colleague.displayName } });
      expect(Math.abs(Date.parse(assigned.validFrom) - Date.now())).toBeLessThan(60_000);

      const team = async () => ok(await app.gql(
        'query($id: ID!) { dossier(id: $id) { careTeam { edges { node { id role validFrom validUntil professional { id } } } } } }',
        { id: dossier.id },
        token,
      )).dossier.careTeam.edges.map((e: { node: unknown }) => e.node);
      expect(await team()).toContainEqual({ id: assigned.id, role: 'BEHAVIOURAL_EXPERT', validFrom: assigned.validFrom, validUntil: null, professional: { id: colleague.id } });

      const validUntil = new Date(Date.now() + 3_600_000).toISOString();
      const ended = ok(await app.gql(
        'mutation($input: EndCareTeamAssignmentInput!) { endCareTeamAssignment(input: $input) { id role validFrom validUntil } }',
        { input: { id: assigned.id, validUntil } },
        adminToken,
      )).endCareTeamAssignment;
      expect(ended).toEqual({ id: assigned.id, role: 'BEHAVIOURAL_EXPERT', validFrom: assigned.validFrom, validUntil });
      const after = await team();
      expect(after).toHaveLength(3);
      expect(after).toContainEqual({ id: assigned.id, role: 'BEHAVIOURAL_EXPERT', validFrom: assigned.validFrom, validUntil, professional: { id: colleague.id } });
    });

    it('should end an assignment now when no validUntil is given', async () => {
      const { worker, org } = await setup();
      const admin = await aProfessional(app.db.ds, org);
      const colleague = await aProfessional(app.db.ds, org);
      const { dossier } = await aDossier().withAssignment(worker).withAssignment(admin, AssignmentRole.ADMIN_SUPPORT).withAssignment(colleague).build(app.db.ds, org);
      const [{ id }] = await app.db.ds.query('select id from care_team_assignment where dossier_id = $1 and professional_id = $2', [dossier.id, colleague.id]);
      const adminToken = await app.staffToken(org, StaffRole.ADMIN_SUPPORT, admin);
      const ended = ok(await app.gql('mutation($input: EndCareTeamAssignmentInput!) { endCareTeamAssignment(input: $input) { id validUntil } }', { input: { id } }, adminToken)).endCareTeamAssignment;
      expect(ended.id).toBe(id);
      expect(ended.validUntil).not.toBeNull();
      expect(Math.abs(Date.parse(ended.validUntil) - Date.now())).toBeLessThan(60_000);
    });
  });

  describe('entitlements', () => {
    it('should add an entitlement and read it back with every field', async () => {
      const { worker, org, token } = await setup();
      const admin = await aProfessional(app.db.ds, org);
      const { dossier } = await aDossier().withAssignment(worker).withAssignment(admin, AssignmentRole.ADMIN_SUPPORT).build(app.db.ds, org);
      // Written by admin support (ENTITLEMENT is RW for admin support, R for a care worker: SPEC §4), read by the care worker.
      const adminToken = await app.staffToken(org, StaffRole.ADMIN_SUPPORT, admin);
      const input = { dossierId: dossier.id, municipality: 'Amersfoort', decisionNumber: 'BS-2024/0042', product: 'Ambulante jeugdhulp', validFrom: addMonths(dutchToday(), -1), validUntil: addMonths(dutchToday(), 11) };
      const added = ok(await app.gql(
        'mutation($input: AddEntitlementInput!) { addEntitlement(input: $input) { id municipality decisionNumber product validFrom validUntil } }',
        { input },
        adminToken,
      )).addEntitlement;
      const { dossierId: _d, ...fields } = input;
      expect(added).toEqual({ id: expect.any(String), ...fields });
      const read = ok(await app.gql(
        'query($id: ID!) { dossier(id: $id) { entitlements { edges { node { id municipality decisionNumber product validFrom validUntil } } pageInfo { hasNextPage } } } }',
        { id: dossier.id },
        token,
      )).dossier;
      expect(read.entitlements).toEqual({ edges: [{ node: added }], pageInfo: { hasNextPage: false } });
    });
  });

  describe('support plan', () => {
    it('should add and update goals and add an evaluation, all visible on supportPlan', async () => {
      const { worker, org, token } = await setup();
      const { dossier } = await aDossier().withAssignment(worker).build(app.db.ds, org);
      const empty = ok(await app.gql('query($id: ID!) { dossier(id: $id) { supportPlan { id } } }', { id: dossier.id }, token)).dossier;
      expect(empty.supportPlan).toBeNull();

      const goal1 = ok(await app.gql(
        'mutation($input: AddSupportPlanGoalInput!) { addSupportPlanGoal(input: $input) { id text status } }',
        { input: { dossierId: dossier.id, text: 'Gaat weer naar school' } },
        token,
      )).addSupportPlanGoal;
      expect(goal1).toEqual({ id: expect.any(String), text: 'Gaat weer naar school', status: 'OPEN' });
      const goal2 = ok(await app.gql(
        'mutation($input: AddSupportPlanGoalInput!) { addSupportPlanGoal(input: $input) { id text status } }',
        { input: { dossierId: dossier.id, text: 'Vaste dagstructuur', status: 'IN_PROGRESS' } },
        token,
      )).addSupportPlanGoal;
      const updated = ok(await app.gql(
        'mutation($input: UpdateSupportPlanGoalInput!) { updateSupportPlanGoal(input: $input) { id text status } }',
        { input: { id: goal1.id, status: 'ACHIEVED', text: 'Gaat weer elke dag naar school' } },
        token,
      )).updateSupportPlanGoal;
      expect(updated).toEqual({ id: goal1.id, text: 'Gaat weer elke dag naar school', status: 'ACHIEVED' });
      const evaluatedOn = addMonths(dutchToday(), -1);
      const evaluation = ok(await app.gql(
        'mutation($input: AddSupportPlanEvaluationInput!) { addSupportPlanEvaluation(input: $input) { id evaluatedOn text } }',
        { input: { dossierId: dossier.id, evaluatedOn, text: 'Goede voortgang' } },
        token,
      )).addSupportPlanEvaluation;
      expect(evaluation).toEqual({ id: expect.any(String), evaluatedOn, text: 'Goede voortgang' });

      const read = ok(await app.gql(
        `query($id: ID!) { dossier(id: $id) { supportPlan { id updatedAt goals { edges { node { id text status } } } evaluations { edges { node { id evaluatedOn text } } } } } }`,
        { id: dossier.id },
        token,
      )).dossier;
      expect(read.supportPlan).toEqual({
        id: expect.any(String),
        updatedAt: expect.any(String),
        goals: { edges: [{ node: updated }, { node: { id: goal2.id, text: 'Vaste dagstructuur', status: 'IN_PROGRESS' } }] },
        evaluations: { edges: [{ node: evaluation }] },
      });
      const [{ n }] = await app.db.ds.query('select count(*)::int as n from support_plan where dossier_id = $1', [dossier.id]);
      expect(n).toBe(1);
    });
  });

  describe('entries', () => {
    it('should add an entry with hiddenFrom and read it back with its author', async () => {
      const { worker, org, token } = await setup();
      const { dossier } = await aDossier().withAssignment(worker).build(app.db.ds, org);
      const occurredOn = addMonths(dutchToday(), -1);
      const added = ok(await app.gql(
        'mutation($input: AddEntryInput!) { addEntry(input: $input) { id kind occurredOn text hiddenFrom author { id displayName } } }',
        { input: { dossierId: dossier.id, kind: 'OBSERVATION', occurredOn, text: 'Moeder maakt zich zorgen over de veiligheid thuis.', hiddenFrom: ['PARENTS'] } },
        token,
      )).addEntry;
      expect(added).toEqual({
        id: expect.any(String), kind: 'OBSERVATION', occurredOn, text: 'Moeder maakt zich zorgen over de veiligheid thuis.', hiddenFrom: ['PARENTS'],
        author: { id: worker.id, displayName: worker.displayName },
      });
      const read = ok(await app.gql(
        'query($id: ID!) { dossier(id: $id) { entries { edges { cursor node { id kind occurredOn text hiddenFrom author { id displayName } } } pageInfo { hasNextPage endCursor } } } }',
        { id: dossier.id },
        token,
      )).dossier;
      expect(read.entries.edges).toEqual([{ cursor: expect.any(String), node: added }]);
      expect(read.entries.pageInfo).toEqual({ hasNextPage: false, endCursor: read.entries.edges[0].cursor });
    });

    it('should default hiddenFrom to an empty list', async () => {
      const { worker, org, token } = await setup();
      const { dossier } = await aDossier().withAssignment(worker).build(app.db.ds, org);
      const added = ok(await app.gql(
        'mutation($input: AddEntryInput!) { addEntry(input: $input) { id hiddenFrom } }',
        { input: { dossierId: dossier.id, kind: 'CONTACT', occurredOn: dutchToday(), text: 'Telefonisch contact' } },
        token,
      )).addEntry;
      expect(added.hiddenFrom).toEqual([]);
    });
  });

  describe('work notes', () => {
    it('should show a work note to its author only, after adding and updating it', async () => {
      const { worker, org, token } = await setup();
      const other = await aProfessional(app.db.ds, org);
      const { dossier } = await aDossier().withAssignment(worker).withAssignment(other).build(app.db.ds, org);
      const otherToken = await app.staffToken(org, StaffRole.CARE_WORKER, other);

      const note = ok(await app.gql(
        'mutation($input: AddWorkNoteInput!) { addWorkNote(input: $input) { id text createdAt updatedAt } }',
        { input: { dossierId: dossier.id, text: 'Eerste indruk' } },
        token,
      )).addWorkNote;
      expect(note).toMatchObject({ text: 'Eerste indruk' });
      const updated = ok(await app.gql(
        'mutation($input: UpdateWorkNoteInput!) { updateWorkNote(input: $input) { id text createdAt updatedAt } }',
        { input: { id: note.id, text: 'Bijgestelde indruk' } },
        token,
      )).updateWorkNote;
      expect(updated).toMatchObject({ id: note.id, text: 'Bijgestelde indruk', createdAt: note.createdAt });

      const NOTES = 'query($id: ID!) { dossier(id: $id) { workNotes { edges { node { id text createdAt updatedAt } } pageInfo { hasNextPage } } } }';
      const mine = ok(await app.gql(NOTES, { id: dossier.id }, token)).dossier;
      expect(mine.workNotes).toEqual({ edges: [{ node: updated }], pageInfo: { hasNextPage: false } });
      const theirs = ok(await app.gql(NOTES, { id: dossier.id }, otherToken)).dossier;
      expect(theirs.workNotes).toEqual({ edges: [], pageInfo: { hasNextPage: false } });
    });

    it('should not let another professional change a work note (NOT_FOUND, text unchanged)', async () => {
      const { worker, org } = await setup();
      const other = await aProfessional(app.db.ds, org);
      const { dossier } = await aDossier().withAssignment(worker).withAssignment(other).withWorkNote(worker, 'Alleen voor mij').build(app.db.ds, org);
      const [{ id }] = await app.db.ds.query('select id from work_note where dossier_id = $1', [dossier.id]);
      const res = await app.gql(
        'mutation($input: UpdateWorkNoteInput!) { updateWorkNote(input: $input) { id text } }',
        { input: { id, text: 'Overschreven' } },
        await app.staffToken(org, StaffRole.CARE_WORKER, other),
      );
      expect(res.errors?.[0].extensions.code).toBe('NOT_FOUND');
      const [row] = await app.db.ds.query('select text from work_note where id = $1', [id]);
      expect(row.text).toBe('Alleen voor mij');
    });
  });

  describe('pagination', () => {
    it('should page 25 entries newest first in pages of 10, 10 and 5 without repeats', async () => {
      const { worker, org, token } = await setup();
      const { dossier, entries } = await aDossier().withEntries(25, worker.id).withAssignment(worker).build(app.db.ds, org);
      const expectedOrder: string[] = (
        await app.db.ds.query('select id from entry where dossier_id = $1 order by occurred_on desc, created_at desc, id desc', [dossier.id])
      ).map((r: { id: string }) => r.id);
      const PAGE = 'query($id: ID!, $after: String) { dossier(id: $id) { entries(first: 10, after: $after) { edges { cursor node { id occurredOn } } pageInfo { hasNextPage endCursor } } } }';

      const seen: { id: string; occurredOn: string }[] = [];
      const pages: { size: number; hasNextPage: boolean }[] = [];
      let after: string | null = null;
      for (let i = 0; i < 3; i += 1) {
        const conn: { edges: { cursor: string; node: { id: string; occurredOn: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } =
          ok(await app.gql(PAGE, { id: dossier.id, after }, token)).dossier.entries;
        seen.push(...conn.edges.map((e) => e.node));
        pages.push({ size: conn.edges.length, hasNextPage: conn.pageInfo.hasNextPage });
        expect(conn.pageInfo.endCursor).toBe(conn.edges[conn.edges.length - 1].cursor);
        after = conn.pageInfo.endCursor;
      }
      expect(pages).toEqual([{ size: 10, hasNextPage: true }, { size: 10, hasNextPage: true }, { size: 5, hasNextPage: false }]);
      const seenIds = seen.map((e) => e.id);
      expect(new Set(seenIds).size).toBe(25);
      expect(new Set(seenIds)).toEqual(new Set(entries.map((e) => e.id)));
      expect(seenIds).toEqual(expectedOrder);
      for (let i = 1; i < seen.length; i += 1) expect(seen[i - 1].occurredOn >= seen[i].occurredOn).toBe(true);
    });

    it('should page the dossiers list newest first in pages of 2 without repeats', async () => {
      const { worker, org, token } = await setup();
      const built: string[] = [];
      for (let i = 0; i < 5; i += 1) built.push((await aDossier().withAssignment(worker).build(app.db.ds, org)).dossier.id);
      const PAGE = 'query($after: String) { dossiers(first: 2, after: $after) { edges { cursor node { id } } pageInfo { hasNextPage endCursor } } }';
      const seen: string[] = [];
      const pages: { size: number; hasNextPage: boolean }[] = [];
      let after: string | null = null;
      for (let i = 0; i < 3; i += 1) {
        const conn: { edges: { node: { id: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } = ok(await app.gql(PAGE, { after }, token)).dossiers;
        seen.push(...ids(conn));
        pages.push({ size: conn.edges.length, hasNextPage: conn.pageInfo.hasNextPage });
        after = conn.pageInfo.endCursor;
      }
      expect(pages).toEqual([{ size: 2, hasNextPage: true }, { size: 2, hasNextPage: true }, { size: 1, hasNextPage: false }]);
      expect(new Set(seen)).toEqual(new Set(built));
      const newestFirst: string[] = (
        await app.db.ds.query('select id from dossier where organisation_id = $1 order by created_at desc, id desc', [org.id])
      ).map((r: { id: string }) => r.id);
      expect(seen).toEqual(newestFirst);
    });
  });
});
